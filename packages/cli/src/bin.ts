#!/usr/bin/env node
/** The `gradcam` executable: runs {@link main} on the process arguments and exits with its status. */
import { removePendingTemporaryFiles } from '@gradcam/viz/node';
import { main } from './main.js';

// Interrupted (Ctrl-C, kill): remove the temporary files of writes in progress, so no partial file is left.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    removePendingTemporaryFiles();
    process.stderr.write(`\ngradcam: interrupted (${signal})\n`);
    process.exit(code);
  });
}

process.exitCode = await main(process.argv.slice(2));

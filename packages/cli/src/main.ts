import { readFileSync } from 'node:fs';
import { GradCamError } from '@gradcam/core';
import { parseCaptionArgs, parseDemoArgs, parseEvaluateArgs, parseExplainArgs, parseLayersArgs, parseMethodsArgs, parseVqaArgs } from './args.js';
import type { Streams } from './console.js';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './errors.js';
import { CAPTION_USAGE, DEMO_USAGE, EVALUATE_USAGE, EXPLAIN_USAGE, LAYERS_USAGE, MAIN_USAGE, METHODS_USAGE, VQA_USAGE } from './usage.js';

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Runs the `gradcam` command line with `argv` (the arguments after the program name), writing to `io`.
 * Errors become one `gradcam: …` line on `io.err`.
 * @returns the exit status: 0 ok, 1 failure (model or weights not loadable, some images failed), 2 bad command line.
 */
export async function main(argv: string[], io: Streams = { out: process.stdout, err: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'explain': {
        const args = parseExplainArgs(rest);
        if (args === 'help') return io.out.write(`${EXPLAIN_USAGE}\n`), EXIT_OK;
        const { explainCommand } = await import('./explain-command.js'); // loaded on demand: keeps --help and errors fast
        return await explainCommand(args, io);
      }
      case 'demo': {
        const args = parseDemoArgs(rest);
        if (args === 'help') return io.out.write(`${DEMO_USAGE}\n`), EXIT_OK;
        const { demoCommand } = await import('./demo-command.js');
        return await demoCommand(args, io);
      }
      case 'caption': {
        const args = parseCaptionArgs(rest);
        if (args === 'help') return io.out.write(`${CAPTION_USAGE}\n`), EXIT_OK;
        const { captionCommand } = await import('./caption-command.js');
        return await captionCommand(args, io);
      }
      case 'vqa': {
        const args = parseVqaArgs(rest);
        if (args === 'help') return io.out.write(`${VQA_USAGE}\n`), EXIT_OK;
        const { vqaCommand } = await import('./vqa-command.js');
        return await vqaCommand(args, io);
      }
      case 'evaluate': {
        const args = parseEvaluateArgs(rest);
        if (args === 'help') return io.out.write(`${EVALUATE_USAGE}\n`), EXIT_OK;
        if ('kind' in args) {
          const { evaluateScenesCommand } = await import('./evaluate-scenes-command.js');
          return await evaluateScenesCommand(args, io);
        }
        const { evaluateCommand } = await import('./evaluate-command.js');
        return await evaluateCommand(args, io);
      }
      case 'layers': {
        const args = parseLayersArgs(rest);
        if (args === 'help') return io.out.write(`${LAYERS_USAGE}\n`), EXIT_OK;
        const { layersCommand } = await import('./layers-command.js');
        return await layersCommand(args, io);
      }
      case 'methods': {
        const args = parseMethodsArgs(rest);
        if (args === 'help') return io.out.write(`${METHODS_USAGE}\n`), EXIT_OK;
        const { methodsCommand } = await import('./methods-command.js');
        return methodsCommand(args, io);
      }
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io[command === undefined ? 'err' : 'out'].write(`${MAIN_USAGE}\n`);
        return command === undefined ? EXIT_USAGE : EXIT_OK;
      case '-v':
      case '--version':
        io.out.write(`${version()}\n`);
        return EXIT_OK;
      default:
        io.err.write(`gradcam: unknown command '${command}'; commands: demo, explain, caption, vqa, evaluate, layers, methods (gradcam --help)\n`);
        return EXIT_USAGE;
    }
  } catch (e) {
    if (e instanceof CliError) {
      io.err.write(`gradcam: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof GradCamError) {
      io.err.write(`gradcam: ${e.message}\n`);
      return EXIT_USAGE;
    }
    io.err.write(`gradcam: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT_FAILURE;
  }
}

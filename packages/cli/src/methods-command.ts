import { METHODS } from '@gradcam/core';
import type { Streams } from './console.js';
import { EXIT_OK } from './errors.js';

/**
 * `gradcam methods`: every CAM method with one line (what it computes and the paper), gradient-free ones marked.
 * @returns the exit status (0).
 */
export function methodsCommand(args: { json: boolean }, io: Streams): number {
  const methods = Object.values(METHODS);
  if (args.json) {
    io.out.write(`${JSON.stringify(methods.map((m) => ({ id: m.id, title: m.title, usesGradients: m.usesGradients })), null, 2)}\n`);
    return EXIT_OK;
  }
  const w = Math.max(...methods.map((m) => m.id.length));
  for (const m of methods) io.out.write(`${m.id.padEnd(w)}  ${m.title}\n`);
  io.out.write(`\nuse with: gradcam explain <images...> --method <id>  (default gradcam)\n`);
  return EXIT_OK;
}

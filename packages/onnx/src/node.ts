/**
 * Node-only entry of @gradcam/onnx (`@gradcam/onnx/node`): load `.onnx` files from disk and run the
 * ONNX backend conformance suite. Not imported by the browser entry.
 */
import { readFile } from 'node:fs/promises';
import { OnnxSession } from './executor.js';

/** Loads an `.onnx` file into a session (free it with `session.dispose()`). */
export async function loadOnnx(path: string): Promise<OnnxSession> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`cannot read ONNX model '${path}': ${(e as Error).message}`);
  }
  return OnnxSession.fromBytes(bytes);
}

export {
  listConformanceTests,
  runConformance,
  runConformanceTest,
  summarizeByOp,
  compareData,
  CORE_OPS,
} from './conformance.js';
export type { ConformanceCase, ConformanceResult, OpSummary } from './conformance.js';

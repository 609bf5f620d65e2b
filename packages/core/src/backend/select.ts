import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerWasmFastKernels, registerWasmGradientKernels } from './kernels/index.js';

/** The backends gradcam chooses between, fastest first. `node` is `@tensorflow/tfjs-node` (tfjs name `tensorflow`). */
export type BackendName = 'node' | 'wasm' | 'cpu';

/** Options of {@link initBackend}. */
export interface BackendOptions {
  /** Force a backend. Default: `GRADCAM_BACKEND` from the environment, else the fastest that loads. */
  backend?: BackendName;
  /** Where the browser finds the tfjs wasm binaries (passed to `setWasmPaths`). Not needed in Node. */
  wasmPaths?: string;
  /** Receives the one-time report of the chosen backend. Default: `console.error` (silenced by `GRADCAM_QUIET=1`). */
  log?: (message: string) => void;
}

const TFJS_NAME: Record<BackendName, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };
const ORDER: BackendName[] = ['node', 'wasm', 'cpu'];

let current: Promise<BackendName> | undefined;
let currentKey: string | undefined;
let reported = false;

function envBackend(): BackendName | undefined {
  const v = typeof process !== 'undefined' ? process.env?.['GRADCAM_BACKEND'] : undefined;
  if (v === undefined || v === '') return undefined;
  if (!(ORDER as string[]).includes(v)) {
    throw new Error(`GRADCAM_BACKEND=${v} is not a backend gradcam knows; use one of ${ORDER.join(', ')}`);
  }
  return v as BackendName;
}

async function tryNode(): Promise<string | undefined> {
  if (typeof process === 'undefined' || !process.versions?.node) return 'not running in Node';
  try {
    const spec = '@tensorflow/tfjs-node';
    await import(/* @vite-ignore */ spec);
    return undefined;
  } catch (e) {
    return `@tensorflow/tfjs-node did not load (${(e as Error).message.split('\n')[0]})`;
  }
}

async function activate(name: BackendName, wasmPaths?: string): Promise<string | undefined> {
  if (name === 'node') {
    const why = await tryNode();
    if (why) return why;
  }
  if (name === 'wasm') {
    // Imported here, not at module load: a registered-but-uninitialised wasm backend would become
    // tfjs's default and make the caller's synchronous tensor code fail before initBackend runs.
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      registerWasmGradientKernels();
      registerWasmFastKernels();
      if (wasmPaths) wasm.setWasmPaths(wasmPaths);
    } catch (e) {
      return `@tensorflow/tfjs-backend-wasm did not load (${(e as Error).message})`;
    }
  }
  try {
    const ok = await tf.setBackend(TFJS_NAME[name]);
    if (!ok) return `tfjs could not initialise the ${name} backend`;
    await tf.ready();
    return undefined;
  } catch (e) {
    return `${name} backend failed: ${(e as Error).message}`;
  }
}

/**
 * Selects the tfjs backend once per process: `@tensorflow/tfjs-node` when it loads, else WebAssembly
 * (with gradcam's extra gradient kernels registered), else the pure-JS cpu backend. `GRADCAM_BACKEND`
 * or `options.backend` forces one (an error if it cannot start). The choice is reported once.
 *
 * Tensors created before (e.g. model weights on tfjs's default cpu backend) move to the chosen backend
 * when used. If the caller already runs on tfjs-node (`tensorflow`) and nothing forces another, it is kept.
 * @returns the name of the active backend.
 */
export function initBackend(options: BackendOptions = {}): Promise<BackendName> {
  const forced = options.backend ?? envBackend();
  const key = forced ?? 'auto';
  if (current && (key === currentKey || key === 'auto')) return current;
  currentKey = key;
  current = (async () => {
    if (!forced && tf.engine().backendName === TFJS_NAME.node) return report('node', 'already selected', options.log);
    const reasons: string[] = [];
    for (const name of forced ? [forced] : ORDER) {
      const why = await activate(name, options.wasmPaths);
      if (!why) return report(name, reasons.join('; '), options.log);
      if (forced) throw new Error(`gradcam: the forced backend '${forced}' is not available: ${why}`);
      reasons.push(why);
    }
    throw new Error(`gradcam: no tfjs backend could start: ${reasons.join('; ')}`);
  })();
  current.catch(() => {
    current = undefined;
    currentKey = undefined;
  });
  return current;
}

function report(name: BackendName, why: string, log?: (m: string) => void): BackendName {
  if (!reported) {
    reported = true;
    const quiet = typeof process !== 'undefined' && process.env?.['GRADCAM_QUIET'] === '1';
    const msg = `gradcam: tfjs backend '${name}'${why ? ` (${why})` : ''}`;
    if (log) log(msg);
    else if (!quiet) console.error(msg);
  }
  return name;
}

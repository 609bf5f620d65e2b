import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels } from './kernels/index.js';

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
  if (name === 'wasm' && wasmPaths) wasm.setWasmPaths(wasmPaths);
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
 * If a tfjs backend was already chosen by the caller (e.g. `tf.setBackend('cpu')`) and nothing forces
 * another, that choice is kept.
 * @returns the name of the active backend.
 */
export function initBackend(options: BackendOptions = {}): Promise<BackendName> {
  registerWasmGradientKernels();
  const forced = options.backend ?? envBackend();
  const key = forced ?? 'auto';
  if (current && (key === currentKey || key === 'auto')) return current;
  currentKey = key;
  current = (async () => {
    const already = tf.engine().backendName;
    if (!forced && already) {
      const known = (Object.keys(TFJS_NAME) as BackendName[]).find((k) => TFJS_NAME[k] === already);
      if (known) return report(known, 'already selected', options.log);
    }
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

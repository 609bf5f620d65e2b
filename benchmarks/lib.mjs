// Measurement helpers shared by the suites.
//
// Timing on a shared machine: wall time includes waiting for a core while other jobs run, so every
// measurement records both wall time and the process's CPU time (user + system, process.cpuUsage).
// tfjs's cpu and wasm backends are single-threaded here, so CPU time is the work done and is far less
// sensitive to other load; ratios are computed from medians of runs interleaved in one process
// (round robin), never across runs or machines.
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';

export const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

/** CPU time of this process so far, ms. */
export function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Peak resident set size of this process so far, bytes (the kernel's high-water mark). */
export function peakRss() {
  return process.resourceUsage().maxRSS * 1024;
}

/** Median, min, max, quartiles of a list of numbers. */
export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => {
    if (s.length === 0) return NaN;
    const i = (s.length - 1) * p;
    const lo = Math.floor(i);
    const hi = Math.ceil(i);
    return s[lo] + (s[hi] - s[lo]) * (i - lo);
  };
  return { median: q(0.5), min: s[0], max: s[s.length - 1], p25: q(0.25), p75: q(0.75), n: s.length };
}

/**
 * Runs every function of `fns` once per round, `warmup + repeats` rounds (round robin, so a change of
 * machine load hits all of them alike); returns per name the wall and CPU statistics of the timed
 * rounds, numTensors before the first and after the last run, and RSS around the whole.
 */
export async function roundRobin(fns, { repeats = 7, warmup = 2 } = {}) {
  const names = Object.keys(fns);
  const out = Object.fromEntries(names.map((n) => [n, { wall: [], cpu: [], tensorsBefore: null, tensorsAfter: null }]));
  const rssBefore = process.memoryUsage().rss;
  for (let round = 0; round < warmup + repeats; round++) {
    for (const name of names) {
      const rec = out[name];
      if (rec.tensorsBefore === null) rec.tensorsBefore = tf.memory().numTensors;
      const w0 = performance.now();
      const c0 = cpuMs();
      await fns[name]();
      const c1 = cpuMs();
      const w1 = performance.now();
      rec.tensorsAfter = tf.memory().numTensors;
      if (round >= warmup) {
        rec.wall.push(w1 - w0);
        rec.cpu.push(c1 - c0);
      }
    }
  }
  const result = {};
  for (const name of names) {
    const r = out[name];
    result[name] = { wall: stats(r.wall), cpu: stats(r.cpu), tensorsBefore: r.tensorsBefore, tensorsAfter: r.tensorsAfter };
  }
  return { results: result, rssBefore, rssAfter: process.memoryUsage().rss, peakRss: peakRss() };
}

/** Median wall time (ms) of `fn` over `repeats` runs after `warmup` runs. `fn` may be async. */
export async function median(fn, { repeats = 7, warmup = 2 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * Kernels one call of `fn` dispatches (tf.profile), with their total kernel time, plus the ones that
 * are copy-to-cpu fallbacks on wasm (gradcam's Einsum kernel, packages/core/src/backend/kernels/
 * einsum-fallback.ts) or not registered for the active backend at all.
 */
export async function kernelProfile(fn) {
  const info = await tf.profile(fn);
  const backend = tf.getBackend();
  const byName = new Map();
  for (const k of info.kernels) {
    const t = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const e = byName.get(k.name) ?? { name: k.name, calls: 0, ms: 0 };
    e.calls++;
    e.ms += t;
    byName.set(k.name, e);
  }
  const kernels = [...byName.values()].sort((a, b) => b.ms - a.ms);
  // Names like `fusedConv2d__op` are op scopes (custom gradients), not kernels.
  const real = kernels.filter((k) => !k.name.endsWith('__op'));
  const COPY_TO_CPU = new Set(backend === 'wasm' ? ['Einsum'] : []);
  return {
    backend,
    kernels: kernels.map((k) => ({ ...k, ms: +k.ms.toFixed(2) })),
    fallback: real.filter((k) => COPY_TO_CPU.has(k.name)).map((k) => k.name),
    unregistered: real.filter((k) => tf.getKernel(k.name, backend) == null).map((k) => k.name),
  };
}

/** Writes `value` as JSON to the path given by `--out PATH` (if any). */
export function writeResult(value) {
  const i = process.argv.indexOf('--out');
  if (i > 0 && process.argv[i + 1]) writeFileSync(process.argv[i + 1], JSON.stringify(value, null, 1));
}

/** Value of `--name VALUE` on the command line, or `dflt`. */
export function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
}

export const fmt = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));
export const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** Prints rows of { name, ms, ratio } as an aligned table. */
export function table(title, rows) {
  console.log(`\n${title}`);
  const w = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) console.log(`  ${r.name.padEnd(w)}  ${r.ms.toFixed(1).padStart(9)} ms  ${r.ratio.toFixed(2).padStart(6)}×`);
}

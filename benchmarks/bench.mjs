// `npm run bench`: every suite, each in a fresh Node process (so each peak RSS is its own), then
// results/latest.json (machine, versions, all measurements, the targets of issue 7) and
// docs/performance.md regenerated from it (report.mjs).
//
//   node bench.mjs            full run (< 10 min on a 2-core machine), writes results/latest.json + docs
//   node bench.mjs --quick    CI smoke run (BENCH_QUICK=1 works too): a subset with few repeats, writes
//                             results/quick.json only (the committed results and docs stay as they are).
//                             Through turbo: `npm run bench -- -- --quick` (turbo's strict env mode does not
//                             pass BENCH_QUICK on unless turbo.json lists it), or `npm run bench:quick -w @gradcam/benchmarks`.
//   node bench.mjs --only methods,onnx   run some suites (ids below); writes results/partial.json
//   node bench.mjs --scene-weights DIR   the scene models' weights for the scenes suite (default: the
//                             committed packages/scenes/weights; without weights the suite records `skipped`)
import { spawnSync, execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { QUICK, arg } from './lib.mjs';
import { renderMarkdown, evaluateTargets, printTargets } from './report.mjs';

const here = new URL('.', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const tmp = mkdtempSync(join(tmpdir(), 'gradcam-bench-'));
const only = arg('only', '')?.split(',').filter(Boolean) ?? [];
const sceneWeights = arg('scene-weights', '') ? resolve(arg('scene-weights')) : ''; // suites run with cwd benchmarks/

/** [id, script, args, { gc }] per run; ids group runs into suites. */
function plan() {
  const m = (model, backend, batch, extra) => ['methods', 'suites/methods.mjs', ['--model', model, '--backend', backend, '--batches', String(batch), ...extra]];
  const all6 = 'gradcam,gradcam++,xgradcam,hirescam,layercam,gradcam-elementwise,eigencam';
  const scenes = (extra) => ['scenes', 'suites/scenes.mjs', [...(sceneWeights ? ['--weights', sceneWeights] : []), ...extra]];
  if (QUICK) {
    return [
      m('mobilenetv2', 'wasm', 1, ['--methods', 'gradcam,gradcam++,eigencam', '--k5', '--inputgrad', '1', '--slow', '--scorecam-channels', '4', '--repeats', '3', '--warmup', '1']),
      m('resnet50', 'wasm', 1, ['--methods', 'gradcam', '--repeats', '2', '--warmup', '1']),
      m('mobilenet-v1-025-graph', 'wasm', 1, ['--methods', 'gradcam', '--repeats', '2', '--warmup', '1']),
      ['memory', 'suites/memory.mjs', ['--mode', 'repeat', '--count', '100'], { gc: true }],
      ['scorecam-memory', 'suites/memory.mjs', ['--mode', 'scorecam', '--batch', '2', '--channels', '4']],
      ['throughput', 'suites/throughput.mjs', ['--images', '8', '--chunk', '4', '--repeats', '1']],
      ['detection', 'suites/detection.mjs', ['--repeats', '1']],
      ['onnx', 'onnx-forward.mjs', ['--quick']],
      ['onnx-cut', 'suites/onnx-cut.mjs', ['--repeats', '2']],
      scenes(['--repeats', '3', '--warmup', '1']),
    ];
  }
  return [
    m('mobilenetv2', 'wasm', 1, ['--methods', all6, '--k5', '--inputgrad', '1', '--slow', '--scorecam-channels', '32', '--repeats', '9', '--warmup', '2']),
    m('mobilenetv2', 'wasm', 8, ['--methods', all6, '--inputgrad', '8', '--slow', '--scorecam-channels', '16', '--repeats', '7', '--warmup', '1']),
    m('resnet50', 'wasm', 1, ['--methods', all6, '--k5', '--inputgrad', '1', '--slow', '--scorecam-channels', '16', '--repeats', '7', '--warmup', '2']),
    m('resnet50', 'wasm', 8, ['--methods', 'gradcam,gradcam++,eigencam', '--repeats', '3', '--warmup', '1']),
    m('mobilenetv2', 'cpu', 1, ['--methods', 'gradcam,gradcam++,eigencam', '--k5', '--inputgrad', '1', '--repeats', '3', '--warmup', '1']),
    m('mobilenet-v1-075', 'wasm', 1, ['--methods', all6, '--k5', '--inputgrad', '1', '--repeats', '7', '--warmup', '2']),
    m('mobilenet-v1-025-graph', 'wasm', 1, ['--methods', 'gradcam,gradcam++,eigencam', '--k5', '--inputgrad', '1', '--repeats', '7', '--warmup', '2']),
    ['memory', 'suites/memory.mjs', ['--mode', 'repeat', '--count', '1000'], { gc: true }],
    ['memory-control', 'suites/memory.mjs', ['--mode', 'repeat', '--count', '1000', '--what', 'forward'], { gc: true }],
    ['scorecam-memory', 'suites/memory.mjs', ['--mode', 'scorecam', '--batch', '8', '--channels', '32']],
    ['throughput', 'suites/throughput.mjs', ['--images', '32', '--chunk', '8', '--repeats', '3']],
    ['detection', 'suites/detection.mjs', ['--repeats', '5']],
    ['onnx', 'onnx-forward.mjs', []],
    ['onnx-cut', 'suites/onnx-cut.mjs', ['--repeats', '5']],
    scenes(['--repeats', '21', '--warmup', '3']),
  ];
}

function versions() {
  const v = (name) => {
    try {
      return require(`${name}/package.json`).version;
    } catch {
      return null;
    }
  };
  let commit = null;
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: here, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execSync('git status --porcelain -- ../packages/core ../benchmarks', { cwd: here, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    if (dirty) commit += ' (+ uncommitted changes)';
  } catch {
    /* not a git checkout */
  }
  return {
    node: process.versions.node,
    v8: process.versions.v8,
    '@gradcam/core': v('@gradcam/core'),
    '@tensorflow/tfjs-core': v('@tensorflow/tfjs-core'),
    '@tensorflow/tfjs-backend-wasm': v('@tensorflow/tfjs-backend-wasm'),
    '@tensorflow/tfjs-backend-cpu': v('@tensorflow/tfjs-backend-cpu'),
    '@tensorflow/tfjs-layers': v('@tensorflow/tfjs-layers'),
    '@tensorflow/tfjs-node': v('@tensorflow/tfjs-node'),
    'onnxruntime-node': v('onnxruntime-node'),
    commit,
  };
}

const started = Date.now();
const machine = {
  cpuModel: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGB: +(totalmem() / 2 ** 30).toFixed(1),
  os: `${platform()} ${release()}`,
  loadAvgStart: loadavg().map((x) => +x.toFixed(2)),
};
const runs = [];
let failures = 0;
for (const [id, script, args, opts = {}] of plan()) {
  if (only.length && !only.includes(id)) continue;
  const out = join(tmp, `${runs.length}.json`);
  const nodeArgs = [...(opts.gc ? ['--expose-gc'] : []), join(here, script), ...args, '--out', out, ...(QUICK ? ['--quick'] : [])];
  const t0 = Date.now();
  const r = spawnSync(process.execPath, nodeArgs, {
    cwd: here,
    stdio: ['ignore', 'inherit', 'pipe'],
    env: { ...process.env, GRADCAM_QUIET: '1' },
    maxBuffer: 64 * 2 ** 20,
    timeout: 15 * 60 * 1000,
  });
  const seconds = (Date.now() - t0) / 1000;
  const entry = { id, script, args, seconds: +seconds.toFixed(1), status: r.status };
  if (r.status === 0 && existsSync(out)) {
    entry.result = JSON.parse(readFileSync(out, 'utf8'));
  } else {
    failures++;
    const err = (r.stderr?.toString() ?? '').split('\n').filter((l) => !/onnxruntime|^\s*$/.test(l)).slice(-15).join('\n');
    entry.error = err || String(r.error ?? `exit ${r.status}`);
    console.error(`\n[bench] ${id} (${script} ${args.join(' ')}) failed after ${seconds.toFixed(0)} s:\n${entry.error}`);
  }
  runs.push(entry);
}
rmSync(tmp, { recursive: true, force: true });
machine.loadAvgEnd = loadavg().map((x) => +x.toFixed(2));

const results = {
  generated: new Date().toISOString(),
  mode: QUICK ? 'quick' : only.length ? `partial (${only.join(', ')})` : 'full',
  totalSeconds: +((Date.now() - started) / 1000).toFixed(0),
  machine,
  versions: versions(),
  runs,
};
results.targets = evaluateTargets(results);
const name = QUICK ? 'quick.json' : only.length ? 'partial.json' : 'latest.json';
writeFileSync(join(here, 'results', name), JSON.stringify(results, null, 1) + '\n');
printTargets(results.targets, results.mode);
console.log(`\n[bench] ${runs.length} runs in ${results.totalSeconds} s; wrote benchmarks/results/${name}`);
if (!QUICK && !only.length) {
  writeFileSync(join(here, '..', 'docs', 'performance.md'), renderMarkdown(results));
  console.log('[bench] wrote docs/performance.md (regenerate from the JSON alone: node benchmarks/report.mjs)');
}
process.exit(failures ? 1 : 0);

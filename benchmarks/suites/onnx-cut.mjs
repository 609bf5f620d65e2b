// The trunk on onnxruntime-node, the head on tfjs: Grad-CAM over the patch tokens entering the last
// block of a ViT-S/16-sized encoder (random weights, 224×224), explaining a pooled-feature score. The same cut is explained twice, same process, round robin:
//   - all on @gradcam/onnx: the trunk re-executes blocks 0–10 with tfjs ops;
//   - trunk on ORT: `await session.run()` computes the tokens first (ORT is asynchronous, native and
//     multi-threaded); a `cutFromFunctions` cut hands them to explainSync, and only the last block —
//     the part that must be differentiated — runs on tfjs.
// This is the pattern for a cut at a model input (the caption decoder's `encoder_hidden_states`).
//   node suites/onnx-cut.mjs [--repeats 5] [--out f.json]
import * as tf from '@tensorflow/tfjs-core';
import ort from 'onnxruntime-node';
import { cutFromFunctions, explainSync, initBackend, scoreFunction } from '@gradcam/core';
import { OnnxSession } from '@gradcam/onnx';
import { randn, vitLike } from '../onnx-models.mjs';
import { arg, fmt, roundRobin, writeResult } from '../lib.mjs';

process.env.GRADCAM_QUIET ??= '1';
ort.env.logLevel = 'error';
const backend = await initBackend({ backend: arg('backend', 'wasm') });
const CUT = 'l10.out'; // the residual stream entering block 11 (of 0–11)
const { bytes } = vitLike({ extraOutputs: [CUT] }); // one graph (one set of random weights) for both runtimes
const session = OnnxSession.fromBytes(bytes);
const runtime = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
const G = 14;
const D = 384;
const pixels = randn(3 * 224 * 224, 1);
const nhwc = tf.tidy(() => tf.transpose(tf.tensor4d(pixels, [1, 3, 224, 224]), [0, 2, 3, 1]));

/** Tokens [1, 197, D] → A = patch grid [1, 14, 14, D] (the CAM activations), state = [CLS token]. */
const split = (tokens) => ({
  activations: tf.reshape(tf.slice(tokens, [0, 1, 0], [-1, G * G, -1]), [-1, G, G, D]),
  state: [tf.slice(tokens, [0, 0, 0], [-1, 1, -1])],
});
const head = (a, [cls]) => {
  const tokens = tf.concat([cls, tf.reshape(a, [-1, G * G, D])], 1);
  return session.run({ [CUT]: tokens }, ['last_hidden_state'])['last_hidden_state'];
};
// A pooled-feature score (mean over tokens, summed over 64 features): well conditioned with random
// weights (the CLS token alone depends on the patches only through near-uniform attention, a
// gradient ~1e-6 that float32 rounding of the two trunks already perturbs by ~10 %).
const score = scoreFunction((out) => tf.sum(tf.slice(tf.mean(out, 1), [0, 0], [-1, 64]), 1), 'sum(mean-pooled features 0–63)');
const tfjsCut = cutFromFunctions({
  layer: CUT,
  trunk: ([x]) => tf.tidy(() => split(session.run({ pixel_values: tf.transpose(x, [0, 3, 1, 2]) }, [CUT])[CUT])),
  head,
});

async function ortExplain() {
  // (onnxruntime-node 1.14 mislabels fetched outputs when a subset is requested: run all, read CUT.)
  const out = await runtime.run({ pixel_values: new ort.Tensor('float32', pixels, [1, 3, 224, 224]) });
  if (!out[CUT]) throw new Error(`ORT returned ${Object.keys(out)}; outputs ${runtime.outputNames}`);
  const tokens = tf.tensor3d(out[CUT].data, out[CUT].dims);
  const cut = cutFromFunctions({ layer: CUT, trunk: () => split(tokens), head });
  const r = explainSync(cut, nhwc, { targets: score });
  tokens.dispose();
  return r;
}

// How far apart the two trunks' tokens are (float32 kernels differ: XNNPACK vs MLAS).
const tokenDiff = await (async () => {
  const out = await runtime.run({ pixel_values: new ort.Tensor('float32', pixels, [1, 3, 224, 224]) });
  const ours = session.run({ pixel_values: tf.tensor4d(pixels, [1, 3, 224, 224]) }, [CUT])[CUT];
  const d = tf.tidy(() => [tf.max(tf.abs(tf.sub(ours, tf.tensor3d(out[CUT].data, out[CUT].dims)))).dataSync()[0], tf.max(tf.abs(ours)).dataSync()[0]]);
  ours.dispose();
  return d;
})();
const a = await ortExplain();
const b = explainSync(tfjsCut, nhwc, { targets: score });
const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a.maps, b.maps))).dataSync()[0]);
const rawDiff = tf.tidy(() => tf.div(tf.max(tf.abs(tf.sub(a.raw, b.raw))), tf.max(tf.abs(b.raw))).dataSync()[0]);
a.dispose();
b.dispose();
const rr = await roundRobin(
  {
    tfjsTrunk: () => {
      const r = explainSync(tfjsCut, nhwc, { targets: score });
      r.maps.dataSync();
      r.dispose();
    },
    ortTrunk: async () => {
      const r = await ortExplain();
      r.maps.dataSync();
      r.dispose();
    },
  },
  { repeats: Number(arg('repeats', '5')), warmup: 1 },
);
const result = {
  backend,
  label: 'ViT-S/16-sized encoder (12 blocks, width 384, 224×224, random weights)',
  what: 'a pooled-feature score w.r.t. the 14×14 patch tokens entering the last block',
  repeats: Number(arg('repeats', '5')),
  tfjsTrunk: rr.results.tfjsTrunk,
  ortTrunk: rr.results.ortTrunk,
  speedup: rr.results.tfjsTrunk.wall.median / rr.results.ortTrunk.wall.median,
  maxMapDiff: diff,
  maxRawDiffRelative: rawDiff,
  maxTokenDiff: tokenDiff[0],
  maxToken: tokenDiff[1],
};
console.log(
  `\nONNX cut at '${CUT}' (${result.label}), tfjs ${backend}: explain with the trunk on @gradcam/onnx ${fmt(result.tfjsTrunk.wall.median)} ms, ` +
    `with the trunk on onnxruntime-node ${fmt(result.ortTrunk.wall.median)} ms (wall medians): ${fmt(result.speedup, 1)}× faster; maps differ by ≤ ${diff.toExponential(1)}, raw maps by ${rawDiff.toExponential(1)} of their max (trunk tokens by ${tokenDiff[0].toExponential(1)} of max ${fmt(tokenDiff[1], 1)})`,
);
nhwc.dispose();
session.dispose();
writeResult(result);

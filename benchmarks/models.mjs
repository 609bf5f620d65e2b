// Random-weight tfjs-layers builds of torchvision's MobileNetV2 and ResNet-50 (same layer shapes and
// parameter counts: 3,504,872 and 25,557,032), 224×224 NHWC input, logits out. Weights are
// initialised as torchvision does (Kaiming-normal fan-out convolutions, BatchNorm γ=1 β=0 with
// running mean 0 and variance 1, small normal classifier) so activations keep a sane scale through
// the depth (no denormals skewing timings). Padding is tfjs 'same' (asymmetric at stride 2 where
// torch pads 1 on both sides: same output shapes, same arithmetic).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const kaiming = () => tfl.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'normal', seed: 7 });
const bnEps = 1e-5;

function convBn(x, filters, kernelSize, strides, name, { act = 'relu', depthwise = false } = {}) {
  const conv = depthwise
    ? tfl.layers.depthwiseConv2d({ kernelSize, strides, padding: 'same', useBias: false, depthwiseInitializer: kaiming(), name: `${name}_dw` })
    : tfl.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: kaiming(), name: `${name}_conv` });
  let y = conv.apply(x);
  y = tfl.layers.batchNormalization({ epsilon: bnEps, name: `${name}_bn` }).apply(y);
  if (act === 'relu6') y = tfl.layers.activation({ activation: 'relu6', name: `${name}_relu6` }).apply(y);
  else if (act === 'relu') y = tfl.layers.activation({ activation: 'relu', name: `${name}_relu` }).apply(y);
  return y;
}

/** torchvision.models.mobilenet_v2(): inverted residuals (t, c, n, s), last conv 1280, classifier 1000. */
export function mobileNetV2() {
  const input = tfl.input({ shape: [224, 224, 3], name: 'input' });
  let x = convBn(input, 32, 3, 2, 'stem', { act: 'relu6' });
  let cin = 32;
  let block = 0;
  for (const [t, c, n, s] of [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]) {
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      const name = `block${block++}`;
      let y = x;
      if (t !== 1) y = convBn(y, cin * t, 1, 1, `${name}_expand`, { act: 'relu6' });
      y = convBn(y, 0, 3, stride, `${name}_depthwise`, { act: 'relu6', depthwise: true });
      y = convBn(y, c, 1, 1, `${name}_project`, { act: 'none' });
      x = stride === 1 && cin === c ? tfl.layers.add({ name: `${name}_add` }).apply([x, y]) : y;
      cin = c;
    }
  }
  x = convBn(x, 1280, 1, 1, 'last', { act: 'relu6' }); // features[-1]: the Grad-CAM layer, 7×7×1280
  x = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(x);
  const out = tfl.layers
    .dense({ units: 1000, kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.01, seed: 3 }), name: 'classifier' })
    .apply(x);
  return tfl.model({ inputs: input, outputs: out, name: 'mobilenet_v2' });
}

/** torchvision.models.resnet50(): bottlenecks [3, 4, 6, 3] (stride on the 3×3, "v1.5"), fc 1000. */
export function resNet50() {
  const input = tfl.input({ shape: [224, 224, 3], name: 'input' });
  let x = convBn(input, 64, 7, 2, 'stem');
  x = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'stem_pool' }).apply(x);
  let cin = 64;
  [[64, 3, 1], [128, 4, 2], [256, 6, 2], [512, 3, 2]].forEach(([width, blocks, stride], stage) => {
    for (let b = 0; b < blocks; b++) {
      const s = b === 0 ? stride : 1;
      const name = `layer${stage + 1}_${b}`;
      let y = convBn(x, width, 1, 1, `${name}_1`);
      y = convBn(y, width, 3, s, `${name}_2`);
      y = convBn(y, width * 4, 1, 1, `${name}_3`, { act: 'none' });
      const skip = s !== 1 || cin !== width * 4 ? convBn(x, width * 4, 1, s, `${name}_down`, { act: 'none' }) : x;
      x = tfl.layers.activation({ activation: 'relu', name: `${name}_out` }).apply(tfl.layers.add({ name: `${name}_add` }).apply([y, skip]));
      cin = width * 4;
    }
  });
  // layer4[-1] output ('layer4_2_out', 7×7×2048) is the Grad-CAM layer.
  x = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(x);
  const out = tfl.layers.dense({ units: 1000, name: 'fc' }).apply(x);
  return tfl.model({ inputs: input, outputs: out, name: 'resnet50' });
}

/** Number of trainable parameters (checks the builds against torchvision's counts). */
export function countParams(model) {
  return model.trainableWeights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
}

/** Deterministic NHWC batch in [-1, 1] (seeded), the same on every run. */
export function randomImages(n, size = 224) {
  return tf.randomUniform([n, size, size, 3], -1, 1, 'float32', 42);
}

const SHARED = new URL('../../shared/models/', import.meta.url).pathname;

/** The models the suites know, by id: builder, input range, label. Real ones need ../shared. */
export const MODELS = {
  mobilenetv2: { label: 'MobileNetV2 (random, torchvision shapes)', build: async () => mobileNetV2(), layer: 'last_relu6' },
  resnet50: { label: 'ResNet-50 (random, torchvision shapes)', build: async () => resNet50(), layer: 'layer4_2_out' },
  'mobilenet-v1-075': {
    label: 'MobileNet v1 0.75, ImageNet (../shared, LayersModel)',
    path: `${SHARED}mobilenet-v1-075-layers/model.json`,
    build: async () => (await import('@gradcam/core/node')).loadLayersModelFromFile(`${SHARED}mobilenet-v1-075-layers/model.json`),
  },
  'mobilenet-v1-025-graph': {
    label: 'MobileNet v1 0.25, ImageNet (../shared, GraphModel)',
    path: `${SHARED}mobilenet-v1-025-graph/model.json`,
    build: async () => (await import('@gradcam/core/node')).loadGraphModelFromFile(`${SHARED}mobilenet-v1-025-graph/model.json`),
  },
  'mobilenet-v1-025': {
    label: 'MobileNet v1 0.25, ImageNet (../shared, LayersModel)',
    path: `${SHARED}mobilenet-v1-025-layers/model.json`,
    build: async () => (await import('@gradcam/core/node')).loadLayersModelFromFile(`${SHARED}mobilenet-v1-025-layers/model.json`),
  },
};

/** Runs the model's forward pass on `x` and reads the output back (what "forward" means in every table). */
export function forwardOnce(model, x) {
  const y = typeof model.predict === 'function' ? model.predict(x) : model.execute(x);
  const ys = Array.isArray(y) ? y : [y];
  ys.forEach((t) => t.dataSync());
  tf.dispose(ys);
}

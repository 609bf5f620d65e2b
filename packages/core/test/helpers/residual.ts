import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Weights of the tiny residual CNN in PyTorch layouts (conv [out,in,kh,kw], linear [out,in]). */
export interface TorchWeights {
  [layer: string]: { weight: { shape: number[]; data: number[] }; bias: { shape: number[]; data: number[] } };
}

/** PyTorch conv weight [out,in,kh,kw] → tfjs HWIO [kh,kw,in,out]. */
export function convKernel(w: { shape: number[]; data: number[] }): tf.Tensor4D {
  return tf.transpose(tf.tensor4d(w.data, w.shape as [number, number, number, number]), [2, 3, 1, 0]);
}

/**
 * The parity model of test/fixtures/pytorch-reference as a tfjs functional LayersModel (NHWC):
 * conv1 (3→6, 3×3, stride 2, PyTorch's symmetric padding 1 reproduced by explicit zero padding + 'valid')
 * → relu1 → conv2 (6→6, 'same') → relu2 → add(relu2, relu1) → block_relu → conv3 (6→8) → relu3 → GAP → fc (8→5).
 */
export function residualLayersModel(weights: TorchWeights, size = 20): tfl.LayersModel {
  const input = tfl.input({ shape: [size, size, 3], name: 'image' });
  const pad = tfl.layers.zeroPadding2d({ padding: 1, name: 'pad1' }).apply(input);
  const conv = (name: string, filters: number, strides: number, padding: 'same' | 'valid') =>
    tfl.layers.conv2d({ name, filters, kernelSize: 3, strides, padding, useBias: true });
  const c1 = conv('conv1', 6, 2, 'valid');
  const r1 = tfl.layers.reLU({ name: 'relu1' }).apply(c1.apply(pad));
  const c2 = conv('conv2', 6, 1, 'same');
  const r2 = tfl.layers.reLU({ name: 'relu2' }).apply(c2.apply(r1));
  const added = tfl.layers.add({ name: 'add' }).apply([r2 as tfl.SymbolicTensor, r1 as tfl.SymbolicTensor]);
  const block = tfl.layers.reLU({ name: 'block_relu' }).apply(added);
  const c3 = conv('conv3', 8, 1, 'same');
  const r3 = tfl.layers.reLU({ name: 'relu3' }).apply(c3.apply(block));
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(r3);
  const fc = tfl.layers.dense({ name: 'fc', units: 5 });
  const logits = fc.apply(gap) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: logits, name: 'residual' });
  for (const [name, layer] of [['conv1', c1], ['conv2', c2], ['conv3', c3]] as const) {
    layer.setWeights([convKernel(weights[name]!.weight), tf.tensor1d(weights[name]!.bias.data)]);
  }
  const fw = weights['fc']!;
  fc.setWeights([tf.transpose(tf.tensor2d(fw.weight.data, fw.weight.shape as [number, number])), tf.tensor1d(fw.bias.data)]);
  return model;
}

/** Deterministic pseudo-random weights (for tests that do not need the PyTorch fixture). */
export function seededWeights(seed = 1): TorchWeights {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 1.2;
  };
  const mk = (shape: number[]) => ({ shape, data: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, rnd) });
  return {
    conv1: { weight: mk([6, 3, 3, 3]), bias: mk([6]) },
    conv2: { weight: mk([6, 6, 3, 3]), bias: mk([6]) },
    conv3: { weight: mk([8, 6, 3, 3]), bias: mk([8]) },
    fc: { weight: mk([5, 8]), bias: mk([5]) },
  };
}

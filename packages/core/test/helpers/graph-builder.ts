import * as tf from '@tensorflow/tfjs-core';
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import { convKernel, type TorchWeights } from './residual.js';

/** A tiny builder of TensorFlow GraphDef JSON (the tfjs graph-model format), for test models. */
export class GraphBuilder {
  readonly nodes: Array<Record<string, unknown>> = [];
  readonly specs: tf.io.WeightsManifestEntry[] = [];
  private readonly data: Float32Array[] = [];
  private readonly ints: Int32Array[] = [];
  private readonly order: Array<'f' | 'i'> = [];

  static s(v: string) {
    return { s: Buffer.from(v).toString('base64') };
  }
  static ints(v: number[]) {
    return { list: { i: v.map(String) } };
  }
  placeholder(name: string, shape: number[]): string {
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: shape.map((d) => ({ size: String(d) })) } } } });
    return name;
  }
  const(name: string, t: tf.Tensor): string {
    const dt = t.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
    this.nodes.push({ name, op: 'Const', attr: { value: { tensor: { dtype: dt, tensorShape: { dim: t.shape.map((d) => ({ size: String(d) })) } } }, dtype: { type: dt } } });
    this.specs.push({ name, shape: t.shape, dtype: t.dtype as 'float32' | 'int32' });
    if (t.dtype === 'int32') {
      this.ints.push(t.dataSync() as Int32Array);
      this.order.push('i');
    } else {
      this.data.push(t.dataSync() as Float32Array);
      this.order.push('f');
    }
    return name;
  }
  op(name: string, op: string, inputs: string[], attr: Record<string, unknown> = {}): string {
    this.nodes.push({ name, op, input: inputs, attr: { T: { type: 'DT_FLOAT' }, ...attr } });
    return name;
  }
  conv(name: string, x: string, kernel: tf.Tensor4D, bias: tf.Tensor1D, stride: number, padding: 'SAME' | 'VALID'): string {
    const k = this.const(`${name}/kernel`, kernel);
    const b = this.const(`${name}/bias`, bias);
    const c = this.op(`${name}/Conv2D`, 'Conv2D', [x, k], {
      strides: GraphBuilder.ints([1, stride, stride, 1]),
      padding: GraphBuilder.s(padding),
      data_format: GraphBuilder.s('NHWC'),
      dilations: GraphBuilder.ints([1, 1, 1, 1]),
    });
    return this.op(name, 'BiasAdd', [c, b], { data_format: GraphBuilder.s('NHWC') });
  }
  async load(): Promise<GraphModel> {
    let size = 0;
    this.order.forEach(() => undefined);
    const parts = [...this.data, ...this.ints];
    for (const p of parts) size += p.byteLength;
    const buf = new Uint8Array(size);
    let fi = 0;
    let ii = 0;
    let off = 0;
    for (const kind of this.order) {
      const arr = kind === 'f' ? this.data[fi++]! : this.ints[ii++]!;
      buf.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), off);
      off += arr.byteLength;
    }
    return loadGraphModel(
      tf.io.fromMemory({
        modelTopology: { node: this.nodes, library: {}, versions: {} },
        weightSpecs: this.specs,
        weightData: buf.buffer,
        format: 'graph-model',
      }),
    );
  }
}

/**
 * The parity model as a tfjs GraphModel with the same node names as the LayersModel's layers
 * (`relu1`, `block_relu`, …); `block_relu` has a skip connection around it (relu1 → add).
 */
export function residualGraphModel(w: TorchWeights, size = 20): Promise<GraphModel> {
  const g = new GraphBuilder();
  const x = g.placeholder('image', [-1, size, size, 3]);
  const conv = (name: string, input: string, stride: number, pad: 'SAME' | 'VALID') =>
    g.conv(name, input, convKernel(w[name]!.weight), tf.tensor1d(w[name]!.bias.data), stride, pad);
  const pad = g.op('pad1', 'Pad', [x, g.const('pad1/paddings', tf.tensor2d([[0, 0], [1, 1], [1, 1], [0, 0]], [4, 2], 'int32'))], { Tpaddings: { type: 'DT_INT32' } });
  const r1 = g.op('relu1', 'Relu', [conv('conv1', pad, 2, 'VALID')]);
  const r2 = g.op('relu2', 'Relu', [conv('conv2', r1, 1, 'SAME')]);
  const add = g.op('add', 'AddV2', [r2, r1]);
  const block = g.op('block_relu', 'Relu', [add]);
  const r3 = g.op('relu3', 'Relu', [conv('conv3', block, 1, 'SAME')]);
  const gap = g.op('gap', 'Mean', [r3, g.const('gap/axes', tf.tensor1d([1, 2], 'int32'))], { keep_dims: { b: false }, Tidx: { type: 'DT_INT32' } });
  const fw = w['fc']!;
  const kernel = tf.transpose(tf.tensor2d(fw.weight.data, fw.weight.shape as [number, number]));
  const mm = g.op('fc/MatMul', 'MatMul', [gap, g.const('fc/kernel', kernel)], { transpose_a: { b: false }, transpose_b: { b: false } });
  g.op('logits', 'BiasAdd', [mm, g.const('fc/bias', tf.tensor1d(fw.bias.data))], { data_format: GraphBuilder.s('NHWC') });
  return g.load();
}

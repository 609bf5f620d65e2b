import * as tf from '@tensorflow/tfjs-core';
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';

/** A tiny builder of TensorFlow GraphDef JSON (the tfjs graph-model format), for test models. */
export class GraphBuilder {
  readonly nodes: Array<Record<string, unknown>> = [];
  readonly specs: tf.io.WeightsManifestEntry[] = [];
  private readonly data: Uint8Array[] = [];

  static ints(v: number[]) {
    return { list: { i: v.map(String) } };
  }
  static s(v: string) {
    return { s: Buffer.from(v).toString('base64') };
  }
  placeholder(name: string, shape: number[]): string {
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: shape.map((d) => ({ size: String(d) })) } } } });
    return name;
  }
  const(name: string, t: tf.Tensor): string {
    const dt = t.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
    this.nodes.push({ name, op: 'Const', attr: { value: { tensor: { dtype: dt, tensorShape: { dim: t.shape.map((d) => ({ size: String(d) })) } } }, dtype: { type: dt } } });
    this.specs.push({ name, shape: t.shape, dtype: t.dtype as 'float32' | 'int32' });
    const v = t.dataSync() as Float32Array | Int32Array;
    this.data.push(new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)));
    return name;
  }
  op(name: string, op: string, inputs: string[], attr: Record<string, unknown> = {}): string {
    this.nodes.push({ name, op, input: inputs, attr: { T: { type: 'DT_FLOAT' }, ...attr } });
    return name;
  }
  conv(name: string, x: string, kernel: tf.Tensor4D, stride = 1): string {
    const k = this.const(`${name}/kernel`, kernel);
    return this.op(name, 'Conv2D', [x, k], {
      strides: GraphBuilder.ints([1, stride, stride, 1]),
      padding: GraphBuilder.s('SAME'),
      data_format: GraphBuilder.s('NHWC'),
      dilations: GraphBuilder.ints([1, 1, 1, 1]),
    });
  }
  load(): Promise<GraphModel> {
    const size = this.data.reduce((s, d) => s + d.byteLength, 0);
    const buf = new Uint8Array(size);
    let off = 0;
    for (const d of this.data) {
      buf.set(d, off);
      off += d.byteLength;
    }
    return loadGraphModel(
      tf.io.fromMemory({ modelTopology: { node: this.nodes, library: {}, versions: {} }, weightSpecs: this.specs, weightData: buf.buffer, format: 'graph-model' }),
    );
  }
}

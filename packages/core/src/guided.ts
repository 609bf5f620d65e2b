import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend/select.js';
import { type Explainable, cutModel } from './cut/index.js';
import { isGraphModel } from './cut/graph-model.js';
import { explainSync, type ExplainOptions, type Explanation } from './explain.js';
import { GradCamError } from './errors.js';
import { valueAndGradSafe } from './grad.js';
import { classMatrix } from './scores.js';
import { type Row, type TargetsOption, expandTargets, resolveRows, scoreRows } from './targets.js';

/** The guided rule: pass a gradient only where the unit was active AND the incoming gradient is positive. */
const GUIDED: tf.GradConfig[] = [
  {
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      const d = dy as tf.Tensor;
      return { x: () => tf.mul(d, tf.cast(tf.logicalAnd(tf.greater(x, 0), tf.greater(d, 0)), 'float32')) };
    },
  },
  {
    kernelName: 'Relu6',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      const d = dy as tf.Tensor;
      const active = tf.logicalAnd(tf.greater(x, 0), tf.lessEqual(x, 6));
      return { x: () => tf.mul(d, tf.cast(tf.logicalAnd(active, tf.greater(d, 0)), 'float32')) };
    },
  },
];

/**
 * Runs `fn` with the guided-backpropagation gradient for ReLU and ReLU6 kernels (Springenberg et
 * al. 2015), then restores tfjs's own gradients, also when `fn` throws. Nothing of the user's model
 * changes: tfjs looks gradients up per kernel while recording the tape, so the override is scoped
 * to the synchronous `fn`. Graph models' fused convolutions run unfused under a tape, so their fused
 * ReLU/ReLU6 activations get the guided rule too.
 */
export function withGuidedRelu<T>(fn: () => T): T {
  const originals = GUIDED.map((g) => tf.getGradient(g.kernelName));
  GUIDED.forEach((g) => tf.registerGradient(g));
  try {
    return fn();
  } finally {
    originals.forEach((o) => o && tf.registerGradient(o));
  }
}

/** Input gradients of each row's target score, NHWC [M, H, W, C], with the rows they belong to. */
export interface InputGradients {
  /** d score / d input for each row (image × target), NHWC [M, H, W, C], same layout as the input. */
  gradients: tf.Tensor4D;
  /** Target scores on the unmodified input, [M]. */
  scores: tf.Tensor1D;
  rows: Row[];
  dispose(): void;
}

/** Options of {@link inputGradients}, {@link guidedBackprop} and {@link smoothGrad}. */
export interface InputGradientOptions {
  targets?: TargetsOption;
  /** Any layer of the model (the cut is only used to run it; default: the default target layer). */
  layer?: string;
  /** Apply the guided rule to ReLU/ReLU6. */
  guided?: boolean;
}

/**
 * d score / d input for each (image, target) row, through the whole model (trunk and head).
 * `input` is the preprocessed NHWC batch (or the model's inputs with it first). Synchronous; the
 * backend must be initialised.
 */
export function inputGradientsSync(model: Explainable, input: tf.Tensor | tf.Tensor[], options: InputGradientOptions = {}): InputGradients {
  const inputs = Array.isArray(input) ? input : [input];
  const images = inputs[0];
  if (!images || images.rank !== 4) throw new GradCamError(`input must be an NHWC image batch [N, H, W, C]; got shape [${images?.shape ?? ''}]`);
  const probe = options.layer === undefined && isGraphModel(model) ? inputs.map((t) => tf.slice(t, 0, 1)) : undefined;
  let cut;
  try {
    [cut] = cutModel(model, options.layer, probe);
  } finally {
    if (probe) tf.dispose(probe);
  }
  const c = cut!;
  const n = images.shape[0];
  const perItem = expandTargets(options.targets, n);
  let rows: Row[] = [];
  const run = () =>
    tf.tidy(() => {
      rows = resolveRows(perItem, () => {
        const t = c.trunk(inputs);
        return Array.from(tf.argMax(classMatrix(c.head(t.activations, t.state)), 1).dataSync());
      });
      const idx = rows.map((r) => r.item);
      const others = inputs.slice(1).map((t) => tf.gather(t, idx));
      const x = tf.gather(images, idx);
      const targets = rows.map((r) => r.target);
      const f = (xi: tf.Tensor) => {
        const t = c.trunk([xi, ...others]);
        return scoreRows(c.head(t.activations, t.state), targets);
      };
      const { value, grad } = valueAndGradSafe(f, x);
      return { value, grad };
    });
  const { value, grad } = options.guided ? withGuidedRelu(run) : run();
  return {
    gradients: grad as tf.Tensor4D,
    scores: value as tf.Tensor1D,
    rows,
    dispose: () => tf.dispose([grad, value]),
  };
}

/** {@link inputGradientsSync} after initialising the backend. */
export async function inputGradients(model: Explainable, input: tf.Tensor | tf.Tensor[], options: InputGradientOptions = {}): Promise<InputGradients> {
  await initBackend();
  return inputGradientsSync(model, input, options);
}

/** Guided Backpropagation (Springenberg et al., ICLR-W 2015): input gradients under the guided ReLU rule, NHWC [M, H, W, C]. */
export function guidedBackprop(model: Explainable, input: tf.Tensor | tf.Tensor[], options: Omit<InputGradientOptions, 'guided'> = {}): Promise<InputGradients> {
  return inputGradients(model, input, { ...options, guided: true });
}

/** The result of {@link guidedGradCam}. */
export interface GuidedGradCam {
  /** The Grad-CAM (or other method's) explanation, maps [M, H, W] in [0, 1]. */
  cam: Explanation;
  /** Guided backprop input gradients, NHWC [M, H, W, C], signed. */
  guided: tf.Tensor4D;
  /** Guided Grad-CAM = guided ⊙ map (broadcast over channels), NHWC [M, H, W, C], signed. */
  product: tf.Tensor4D;
  dispose(): void;
}

/**
 * Guided Grad-CAM (Selvaraju et al. 2017): guided backpropagation multiplied element-wise by the
 * class activation map upsampled to the input (`maps`, already at the input size), batched over
 * images and targets. The CAM method is `options.method` (default Grad-CAM).
 */
export async function guidedGradCam(model: Explainable, input: tf.Tensor | tf.Tensor[], options: ExplainOptions = {}): Promise<GuidedGradCam> {
  await initBackend(options.backend ? { backend: options.backend } : {});
  const cam = explainSync(model, input, options);
  const targets = cam.rows.map((r) => [r.target]);
  // Rows of the CAM are (image, target) pairs; explain each pair's gradient with the same pairing.
  const inputs = Array.isArray(input) ? input : [input];
  const idx = cam.rows.map((r) => r.item);
  const expanded = inputs.map((t) => tf.gather(t, idx));
  let g: InputGradients | undefined;
  try {
    g = inputGradientsSync(model, expanded, { targets, guided: true, ...(typeof options.layer === 'string' ? { layer: options.layer } : {}) });
  } finally {
    tf.dispose(expanded);
  }
  const guided = g.gradients;
  tf.dispose(g.scores);
  const product = tf.tidy(() => tf.mul(guided, tf.expandDims(cam.maps, 3)) as tf.Tensor4D);
  return { cam, guided, product, dispose: () => (cam.dispose(), tf.dispose([guided, product])) };
}

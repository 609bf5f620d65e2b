import type * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { load as loadPackage } from '@tensorflow-models/mobilenet';
import { IMAGENET_CLASSES as PACKAGE_CLASSES } from '@tensorflow-models/mobilenet/dist/imagenet_classes.js';
import { GradCamError, initBackend } from '@gradcam/core';
import { type Classifier, classifierFromModel, outputSize } from './classifier.js';

/**
 * The 1000 ImageNet class names exactly as `@tensorflow-models/mobilenet` names them
 * (`IMAGENET_CLASSES[281]` = `'tabby, tabby cat'`), in the standard class order.
 */
export const IMAGENET_CLASSES: readonly string[] = Object.freeze(
  Array.from({ length: 1000 }, (_, i) => (PACKAGE_CLASSES as Record<number, string>)[i]!),
);

/** Options of {@link loadMobileNet}: those of `@tensorflow-models/mobilenet`'s `load`. */
export interface MobileNetOptions {
  /** 1 (default) or 2. */
  version?: 1 | 2;
  /** Width multiplier: v1 0.25, 0.5, 0.75, 1.0 (default); v2 0.5, 0.75, 1.0. */
  alpha?: number;
  /** Where to load the graph model from instead of TF Hub: a URL or a tfjs IOHandler (e.g. `fileHandler` of `@gradcam/core/node`). */
  modelUrl?: string | tf.io.IOHandler;
  /** Range the model expects pixel values mapped to (default: the package's, [0, 1] for the TF-Hub models). */
  inputRange?: [number, number];
}

const ALPHAS: Record<1 | 2, number[]> = { 1: [0.25, 0.5, 0.75, 1.0], 2: [0.5, 0.75, 1.0] };

/** What `@tensorflow-models/mobilenet` keeps inside its MobileNet object (2.1.1). */
interface MobileNetInternals {
  model?: GraphModel;
  inputMin?: number;
  inputMax?: number;
}

/**
 * Loads a MobileNet through `@tensorflow-models/mobilenet`'s own `load` (TF Hub by default, or
 * `modelUrl`) and wraps the GraphModel it holds. Preprocessing is the package's: 0–255 mapped to
 * `inputRange`, then resized to 224×224 with `alignCorners`. The default target layer is the spatial
 * node feeding the global pooling (v1 `Conv2d_13_pointwise/Relu6`, v2 `Conv_1/Relu6`). TF-Hub MobileNets
 * output 1001 logits (index 0 = background), so `labelOffset` is 1 and class indices are scored on the logit.
 * @returns a {@link Classifier} named `mobilenet-v<version>-<alpha>` with the package's 1000 ImageNet labels.
 */
export async function loadMobileNet(options: MobileNetOptions = {}): Promise<Classifier> {
  const version = options.version ?? 1;
  const alpha = options.alpha ?? 1.0;
  if (version !== 1 && version !== 2) throw new GradCamError(`MobileNet version must be 1 or 2; got ${JSON.stringify(version)}`);
  if (options.modelUrl === undefined && !ALPHAS[version].includes(alpha)) {
    throw new GradCamError(`MobileNet v${version} has no alpha ${alpha}; valid: ${ALPHAS[version].join(', ')}`);
  }
  await initBackend();
  const config: Parameters<typeof loadPackage>[0] = { version, alpha: alpha as 0.25 | 0.5 | 0.75 | 1.0 };
  if (options.modelUrl !== undefined) config.modelUrl = options.modelUrl;
  if (options.inputRange !== undefined) config.inputRange = options.inputRange;
  const net = (await loadPackage(config)) as unknown as MobileNetInternals;
  const model = net.model;
  if (!model) throw new GradCamError('@tensorflow-models/mobilenet returned no model (its internals changed?)');
  const inputRange: [number, number] = [net.inputMin ?? 0, net.inputMax ?? 1];
  const name = `mobilenet-v${version}-${alpha.toFixed(2).replace(/0$/, '')}`;
  // 1001 outputs (TF Hub): index 0 is background, labels start at 1. 1000: a custom export without it.
  const outputs = outputSize(model, [224, 224]);
  if (outputs !== 1000 && outputs !== 1001) {
    throw new GradCamError(`${name}: expected 1000 or 1001 ImageNet outputs, the model has ${outputs}`);
  }
  const labelOffset = outputs - 1000;
  const classifier = classifierFromModel(model, {
    labels: [...IMAGENET_CLASSES],
    labelOffset,
    inputRange,
    inputSize: [224, 224],
    name,
    resize: 'align-corners',
  });
  const release = classifier.dispose?.bind(classifier);
  classifier.dispose = () => {
    release?.();
    model.dispose();
  };
  return classifier;
}

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type Classifier, headOf } from './classifier.js';

/** One class with its probability. */
export interface Prediction {
  /** Model output index (label index + `labelOffset`). */
  index: number;
  /** The class name, as the classifier's labels spell it. */
  label: string;
  /** Probability in [0, 1]: the model's softmax/sigmoid output, or the softmax of its logits over the labelled outputs. */
  probability: number;
}

/**
 * Class probabilities of a preprocessed input: the model's own output when it ends in a softmax or
 * sigmoid; for logit models, the softmax over the labelled outputs (what `@tensorflow-models/mobilenet`'s
 * `classify` reports, background excluded).
 * @param input model input NHWC [1, H, W, 3].
 * @returns one probability per label (`result[k]` belongs to `labels[k]`).
 */
export function probabilities(classifier: Classifier, input: tf.Tensor4D): Float32Array {
  const { model, labelOffset, labels } = classifier;
  const activation = headOf(classifier).activation;
  return tf.tidy(() => {
    const out = model instanceof tfl.LayersModel ? model.predict(input) : model.execute(input, model.outputs[0]!.name);
    const first = Array.isArray(out) ? out[0]! : (out as tf.Tensor);
    const row = tf.slice(tf.reshape(first, [1, -1]), [0, labelOffset], [1, labels.length]);
    const p = activation === 'none' ? tf.softmax(row) : row;
    return p.dataSync() as Float32Array;
  });
}

/**
 * The `k` most probable classes.
 * @returns predictions sorted by decreasing probability (ties: lower index first).
 */
export function topClasses(classifier: Classifier, probs: Float32Array, k: number): Prediction[] {
  const order = Array.from(probs.keys()).sort((a, b) => probs[b]! - probs[a]! || a - b);
  return order.slice(0, k).map((i) => ({ index: i + classifier.labelOffset, label: classifier.labels[i]!, probability: probs[i]! }));
}

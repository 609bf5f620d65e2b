/**
 * `ClassMasks`: the detection masks of class logits, 1 where the logit is above 0 (p > 0.5) and 0
 * elsewhere, same shape as its input. A step function is constant almost everywhere, so its gradient is
 * zero (tfjs's `Step` gradient): a path that reads the masks — where and how many objects there are —
 * passes no gradient back to the class maps, and Grad-CAM sees only the paths that read how strongly a
 * class is evidenced.
 *
 * A custom layer, registered with tfjs's serialization under `GradcamClassMasks`, so that models saved
 * with it load through `tf.loadLayersModel` once this module is imported (`io/load.ts` imports it).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** [x > 0] elementwise (float32 0/1); zero gradient. */
export class ClassMasks extends tfl.layers.Layer {
  static readonly className = 'GradcamClassMasks';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.step(Array.isArray(inputs) ? inputs[0]! : inputs, 0);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }
}
tf.serialization.registerClass(ClassMasks);

/** A {@link ClassMasks} layer named `name`. */
export function classMasks(name: string): ClassMasks {
  return new ClassMasks({ name });
}

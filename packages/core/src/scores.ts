import * as tf from '@tensorflow/tfjs-core';
import { GradCamError } from './errors.js';
import type { HeadOutputs, ScoreFunction } from './types.js';

/** Which model output a score reads: index into the outputs list, or a key of a named output map. */
export type OutputSelector = number | string;

/** Picks one output tensor of the head (default: the first). */
export function pickOutput(outputs: HeadOutputs, output: OutputSelector = 0): tf.Tensor {
  if (outputs instanceof tf.Tensor) {
    if (output !== 0) throw new GradCamError(`the model has a single output; output ${JSON.stringify(output)} does not exist`);
    return outputs;
  }
  if (Array.isArray(outputs)) {
    const t = typeof output === 'number' ? outputs[output] : undefined;
    if (!t) throw new GradCamError(`output ${JSON.stringify(output)} does not exist: the model has ${outputs.length} outputs (0–${outputs.length - 1})`);
    return t;
  }
  const keys = Object.keys(outputs);
  const key = typeof output === 'number' ? keys[output] : output;
  const t = key === undefined ? undefined : outputs[key];
  if (!t) throw new GradCamError(`output ${JSON.stringify(output)} does not exist; outputs: ${keys.join(', ')}`);
  return t;
}

/** The output as [B, K] (trailing dims flattened: e.g. a [B,1,1,K] conv classifier). */
export function classMatrix(outputs: HeadOutputs, output: OutputSelector = 0): tf.Tensor2D {
  const t = pickOutput(outputs, output);
  if (t.rank < 1) throw new GradCamError(`the model output is a scalar; a class score needs a batch of vectors [B, K]`);
  return tf.reshape(t, [t.shape[0]!, -1]);
}

function checkClass(index: number, k: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= k) {
    throw new GradCamError(`class ${index} is out of range: the model output has ${k} classes (valid indices 0–${k - 1})`);
  }
}

function named<F extends (o: HeadOutputs) => tf.Tensor>(fn: F, label: string): ScoreFunction {
  Object.defineProperty(fn, 'label', { value: label });
  return fn as ScoreFunction;
}

/** The raw output value (logit) of class `index`: out[b, index]. The paper's y^c when the model outputs logits. */
export function classLogit(index: number, output: OutputSelector = 0): ScoreFunction {
  return named((o) => {
    const m = classMatrix(o, output);
    checkClass(index, m.shape[1]);
    return tf.reshape(tf.slice(m, [0, index], [-1, 1]), [-1]);
  }, `logit[${index}]`);
}

/** Softmax probability of class `index` over the output's last axis (for models that output logits). */
export function classProbability(index: number, output: OutputSelector = 0): ScoreFunction {
  return named((o) => {
    const m = classMatrix(o, output);
    checkClass(index, m.shape[1]);
    return tf.reshape(tf.slice(tf.softmax(m), [0, index], [-1, 1]), [-1]);
  }, `softmax[${index}]`);
}

/** Sigmoid of the logit of label `index`, for multi-label models that output logits. */
export function sigmoidScore(index: number, output: OutputSelector = 0): ScoreFunction {
  return named((o) => {
    const m = classMatrix(o, output);
    checkClass(index, m.shape[1]);
    return tf.reshape(tf.sigmoid(tf.slice(m, [0, index], [-1, 1])), [-1]);
  }, `sigmoid[${index}]`);
}

/** Wraps any function of the outputs (returning one scalar per row, [B]) as a labelled score. */
export function scoreFunction(fn: (outputs: HeadOutputs) => tf.Tensor, label = 'custom'): ScoreFunction {
  return named(fn, label);
}

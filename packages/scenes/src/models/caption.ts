/**
 * Greedy caption decoding: the encoder runs once per scene, the decoder once per step on the cached
 * features.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CAPTION_LENGTH, CAPTION_VOCAB, END, START } from '../grammar/vocab.js';
import type { SceneImage } from '../world/scene.js';
import { scenesToTensor } from '../world/tensor.js';
import { buildCaptionerOnFeatures } from './captioner.js';
import { buildSceneFeatures } from './classifier.js';
import { layersOfModel } from './layer-set.js';

/** A decoded caption. */
export interface DecodedCaption {
  /** The words, without START/END. */
  words: string[];
  text: string;
  /** log p(word_t | image, words_<t) of each word, and of END last (natural log). */
  logProbs: number[];
}

/**
 * The captioner split into its encoder (image → features) and its head on features, sharing its weights.
 * Dispose both when done: that releases only the split's own references, never the shared weights
 * (tfjs-layers counts a layer's models), so `captioner.dispose()` still frees everything.
 */
export function splitCaptioner(captioner: tfl.LayersModel): { encoder: tfl.LayersModel; head: tfl.LayersModel } {
  const layers = layersOfModel(captioner);
  return { encoder: buildSceneFeatures(layers), head: buildCaptionerOnFeatures(layers) };
}

/**
 * Greedy captions of `scenes` (batches of `batchSize`, default 64): at each step the most probable
 * word, until END or `MAX_CAPTION_WORDS` (15) words — the longest caption the decoder's input holds, so
 * every decoded caption can be explained. Leaves no tensors behind.
 */
export function captionScenes(captioner: tfl.LayersModel, scenes: readonly SceneImage[], batchSize = 64): DecodedCaption[] {
  const { encoder, head } = splitCaptioner(captioner);
  try {
    return decode(encoder, head, scenes, batchSize);
  } finally {
    encoder.dispose();
    head.dispose();
  }
}

function decode(encoder: tfl.LayersModel, head: tfl.LayersModel, scenes: readonly SceneImage[], batchSize: number): DecodedCaption[] {
  const out: DecodedCaption[] = [];
  const L = CAPTION_LENGTH;
  const V = CAPTION_VOCAB.size;
  const start = CAPTION_VOCAB.index(START);
  const end = CAPTION_VOCAB.index(END);
  for (let i = 0; i < scenes.length; i += batchSize) {
    const chunk = scenes.slice(i, i + batchSize);
    const n = chunk.length;
    const features = tf.tidy(() => encoder.predict(scenesToTensor(chunk)) as tf.Tensor);
    const tokens = new Int32Array(n * L);
    for (let b = 0; b < n; b++) tokens[b * L] = start;
    const done = new Array<boolean>(n).fill(false);
    const words: string[][] = chunk.map(() => []);
    const logProbs: number[][] = chunk.map(() => []);
    for (let t = 0; t < L && done.some((d) => !d); t++) {
      const lp = tf.tidy(() => {
        const logits = head.predict([features, tf.tensor2d(tokens, [n, L], 'int32')]) as tf.Tensor;
        return tf.logSoftmax(tf.reshape(tf.slice(logits, [0, t, 0], [n, 1, V]), [n, V]));
      });
      const data = lp.dataSync();
      lp.dispose();
      for (let b = 0; b < n; b++) {
        if (done[b]) continue;
        let best = 0;
        for (let k = 1; k < V; k++) if (data[b * V + k]! > data[b * V + best]!) best = k;
        // The input holds START + 15 words: after the 15th word only END can follow.
        if (t === L - 1) best = end;
        logProbs[b]!.push(data[b * V + best]!);
        if (best === end) done[b] = true;
        else {
          words[b]!.push(CAPTION_VOCAB.word(best));
          tokens[b * L + t + 1] = best;
        }
      }
    }
    features.dispose();
    chunk.forEach((_, b) => out.push({ words: words[b]!, text: words[b]!.join(' '), logProbs: logProbs[b]! }));
  }
  return out;
}

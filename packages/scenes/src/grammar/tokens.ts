/**
 * Captions and questions as the token sequences the models read and predict.
 */
import { ANSWER_VOCAB, CAPTION_LENGTH, CAPTION_VOCAB, END, QUESTION_LENGTH, QUESTION_VOCAB, START } from './vocab.js';

/**
 * Teacher-forcing tensors of a caption (words without START/END): `input` = START, w1 … wn, right-padded
 * to {@link CAPTION_LENGTH}; `target` = w1 … wn, END, right-padded; `length` = n + 1 (the scored steps).
 * Step t of the decoder reads input[t] and predicts target[t].
 */
export function captionTokens(words: readonly string[]): { input: Int32Array; target: Int32Array; length: number } {
  if (words.length + 1 > CAPTION_LENGTH) throw new RangeError(`a caption has at most ${CAPTION_LENGTH - 1} words, got ${words.length}`);
  return {
    input: CAPTION_VOCAB.encode([START, ...words], CAPTION_LENGTH, 'right'),
    target: CAPTION_VOCAB.encode([...words, END], CAPTION_LENGTH, 'right'),
    length: words.length + 1,
  };
}

/** A question's tokens, left-padded to {@link QUESTION_LENGTH}. */
export function questionTokens(words: readonly string[]): Int32Array {
  return QUESTION_VOCAB.encode(words, QUESTION_LENGTH, 'left');
}

/** The answer's class index in the VQA model's softmax. */
export function answerIndex(answer: string): number {
  return ANSWER_VOCAB.index(answer);
}

/**
 * Token vocabularies of the caption grammar, the question grammar and the answers, and their
 * encoding into the integer sequences the models read.
 */
import { COLOURS, NUMBER_WORDS, SHAPES, SHAPE_PLURALS } from '../world/vocabulary.js';

/** Padding token (index 0 in every vocabulary). */
export const PAD = '<pad>';
/** Start-of-caption token: the decoder's first input. */
export const START = '<start>';
/** End-of-caption token: the decoder's last target. */
export const END = '<end>';

/** A closed word list with its index. */
export class Vocabulary {
  readonly words: readonly string[];
  private readonly byWord: Map<string, number>;

  constructor(words: readonly string[]) {
    this.words = words;
    this.byWord = new Map(words.map((w, i) => [w, i]));
    if (this.byWord.size !== words.length) throw new Error('duplicate word in vocabulary');
  }

  /** Number of tokens. */
  get size(): number {
    return this.words.length;
  }

  /** The token index of `word`; throws naming the vocabulary's words when unknown. */
  index(word: string): number {
    const i = this.byWord.get(word);
    if (i === undefined) {
      throw new RangeError(`unknown word '${word}'; known words: ${this.words.filter((w) => !w.startsWith('<')).join(' ')}`);
    }
    return i;
  }

  /** Whether `word` is in the vocabulary. */
  has(word: string): boolean {
    return this.byWord.has(word);
  }

  /** The word of token `i`. */
  word(i: number): string {
    const w = this.words[i];
    if (w === undefined) throw new RangeError(`token ${i} is out of range (0–${this.words.length - 1})`);
    return w;
  }

  /**
   * Encodes `words` into exactly `length` token indices, padding with {@link PAD} (0) on the right
   * (`pad: 'right'`, captions: causal decoders never see the padding) or on the left (`'left'`,
   * questions: the encoder's last state follows the last word). Throws if too long.
   */
  encode(words: readonly string[], length: number, pad: 'left' | 'right' = 'right'): Int32Array {
    if (words.length > length) throw new RangeError(`${words.length} words do not fit in ${length} tokens: "${words.join(' ')}"`);
    const out = new Int32Array(length);
    const offset = pad === 'left' ? length - words.length : 0;
    words.forEach((w, i) => (out[offset + i] = this.index(w)));
    return out;
  }
}

const PLURALS = SHAPES.map((s) => SHAPE_PLURALS[s]);

/** Caption tokens: specials, function words, relations, colours, shapes and plurals. */
export const CAPTION_VOCAB = new Vocabulary([
  PAD, START, END,
  'a', 'two', 'three', 'four', 'and', ',', 'left', 'right', 'of', 'above', 'below',
  ...COLOURS, ...SHAPES, ...PLURALS,
]);

/** Question tokens. */
export const QUESTION_VOCAB = new Vocabulary([
  PAD,
  'what', 'colour', 'shape', 'is', 'the', 'object', 'objects', 'there', 'a', 'how', 'many', 'are', 'closest', 'to', '?',
  ...COLOURS, ...SHAPES, ...PLURALS,
]);

/** Answer classes of the VQA model (its softmax): colours, shapes, yes/no, counts zero–four. */
export const ANSWER_VOCAB = new Vocabulary([...COLOURS, ...SHAPES, 'yes', 'no', ...NUMBER_WORDS]);

/** Longest caption in words (four distinct groups: 4·3 words + 3 separators), without start/end. */
export const MAX_CAPTION_WORDS = 15;
/** Decoder length: the caption's words plus {@link END}. Decoder inputs are {@link START} + words. */
export const CAPTION_LENGTH = MAX_CAPTION_WORDS + 1;
/** Question encoder length (questions are left-padded to it). */
export const QUESTION_LENGTH = 11;

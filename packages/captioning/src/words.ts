/**
 * BPE tokens merged into words. A word starts at a token whose text begins with whitespace (GPT-2's
 * `Ġ`) once the current word has visible characters; whitespace-only tokens join the next word, and
 * special tokens (`<|endoftext|>`) belong to no word.
 */
import type { TokenizerLike } from './transformers-types.js';

/** One word of a caption and the caption tokens that spell it. */
export interface WordSpan {
  /** The word as decoded, trimmed (punctuation stays attached: `square.`). */
  text: string;
  /** Indices of its tokens in the caption's token ids (0 = the first token after the start token). */
  positions: number[];
  /** Its token ids. */
  tokenIds: number[];
  /** Each token decoded alone (leading spaces kept). */
  tokens: string[];
}

const DECODE = { skip_special_tokens: false, clean_up_tokenization_spaces: false } as const;

/**
 * Groups caption token ids into words.
 * @param tokenIds the caption's tokens, without the decoder start token
 * @param special ids that belong to no word (default: the tokenizer's special ids)
 * @returns the words in caption order; words with no visible character are dropped.
 */
export function groupWords(tokenizer: TokenizerLike, tokenIds: readonly number[], special: ReadonlySet<number> = new Set(tokenizer.all_special_ids ?? [])): WordSpan[] {
  const words: WordSpan[] = [];
  let current: WordSpan | undefined;
  const visible = (w: WordSpan) => tokenizer.decode(w.tokenIds, DECODE).trim().length > 0;
  const close = () => {
    if (current && visible(current)) {
      current.text = tokenizer.decode(current.tokenIds, DECODE).trim();
      words.push(current);
    }
    current = undefined;
  };
  tokenIds.forEach((id, position) => {
    if (special.has(id)) {
      close();
      return;
    }
    const text = tokenizer.decode([id], DECODE);
    if (current && /^\s/u.test(text) && visible(current)) close();
    current ??= { text: '', positions: [], tokenIds: [], tokens: [] };
    current.positions.push(position);
    current.tokenIds.push(id);
    current.tokens.push(text);
  });
  close();
  return words;
}

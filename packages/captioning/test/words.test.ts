// BPE tokens → words, on a toy tokenizer (no assets needed) and on tiny-vit-gpt2's real GPT-2 tokenizer.
import { AutoTokenizer } from '@xenova/transformers';
import { describe, expect, it } from 'vitest';
import { groupWords } from '../src/words.js';
import type { TokenizerLike } from '../src/transformers-types.js';
import { describeShared } from './helpers.js';

/** A tokenizer whose token i decodes to VOCAB[i]; 9 is special. */
const VOCAB = ['a', ' cat', ' sit', 'ting', ' ', ' on', '.', ' ', 'x', '<eos>'];
const toy = {
  decode: (ids: number[], o?: { skip_special_tokens?: boolean }) => ids.filter((i) => !(o?.skip_special_tokens && i === 9)).map((i) => VOCAB[i]).join(''),
  all_special_ids: [9],
} as unknown as TokenizerLike;

describe('groupWords', () => {
  it('starts a word at a leading space, keeps suffixes and punctuation attached, skips specials', () => {
    const w = groupWords(toy, [0, 1, 2, 3, 4, 5, 6, 9]);
    expect(w.map((x) => x.text)).toEqual(['a', 'cat', 'sitting', 'on.']);
    expect(w.map((x) => x.positions)).toEqual([[0], [1], [2, 3], [4, 5, 6]]);
    expect(w[2]!.tokens).toEqual([' sit', 'ting']);
  });
  it('joins whitespace-only tokens to the next word and drops invisible words', () => {
    const w = groupWords(toy, [4, 7, 1, 4]);
    expect(w.map((x) => [x.text, x.positions])).toEqual([['cat', [0, 1, 2]]]);
    expect(groupWords(toy, [9, 4])).toEqual([]);
  });
});

describeShared('groupWords on the GPT-2 tokenizer of tiny-vit-gpt2', ['models/tiny-vit-gpt2/tokenizer.json'], () => {
  it('merges the BPE pieces of each word', async () => {
    const tok = (await AutoTokenizer.from_pretrained('tiny-vit-gpt2')) as unknown as TokenizerLike;
    const ids = tok.encode('two  tabby cats   on grass', null, { add_special_tokens: false });
    expect(ids).toEqual([400, 220, 395, 382, 220, 220, 273, 315]); // transformers_js_pipelines.json
    const words = groupWords(tok, ids);
    expect(words.map((w) => w.text)).toEqual(['two', 'tabby', 'cats', 'on', 'grass']);
    expect(words.flatMap((w) => w.positions)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const z = groupWords(tok, tok.encode('zebra xylophone 123 ok?', null, { add_special_tokens: false }));
    expect(z.map((w) => w.text)).toEqual(['zebra', 'xylophone', '123', 'ok?']);
    expect(z[0]!.tokenIds.length).toBeGreaterThan(1);
    const e = groupWords(tok, tok.encode('café ☕ <|endoftext|>', null, { add_special_tokens: false }));
    expect(e.map((w) => w.text)).toEqual(['café', '☕']);
  });
});

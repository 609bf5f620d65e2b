/**
 * Checks of user text against the closed vocabularies of the scene-world models, before any model is loaded:
 * an unknown word is a command-line error naming the word and listing the words the model knows.
 */
import { ANSWER_VOCAB, CAPTION_LENGTH, CAPTION_VOCAB, QUESTION_LENGTH, QUESTION_VOCAB, type Vocabulary, captionWords, questionWords } from '@gradcam/scenes';
import { UsageError } from './errors.js';

/** The words of a vocabulary a user can type (no `<pad>`, `<start>`, `<end>`). */
export const knownWords = (v: Vocabulary): string[] => v.words.filter((w) => !w.startsWith('<'));

function unknown(words: readonly string[], v: Vocabulary, where: string, who: string, hint = ''): void {
  const bad = [...new Set(words.filter((w) => w.startsWith('<') || !v.has(w)))];
  if (bad.length === 0) return;
  throw new UsageError(
    `unknown word${bad.length === 1 ? '' : 's'} ${bad.map((w) => `'${w}'`).join(', ')} in ${where}: ${who} knows only these words: ${knownWords(v).join(' ')}${hint}`,
  );
}

/**
 * Checks `--caption` for the scene captioner: every word in its vocabulary (case-insensitive), at most
 * `CAPTION_LENGTH - 1` words.
 * @returns the caption as the captioner reads it (lower case, words separated by single spaces).
 */
export function checkSceneCaption(text: string): string {
  const words = captionWords(text.toLowerCase());
  if (words.length === 0) throw new UsageError('--caption is empty: give the caption to explain, or leave it out for the model\'s own');
  unknown(words, CAPTION_VOCAB, 'the caption', 'the scene captioner', ' (captions like "a red circle left of a blue square", "two green triangles and a cyan cross")');
  if (words.length > CAPTION_LENGTH - 1) throw new UsageError(`the caption has ${words.length} words; the scene captioner reads at most ${CAPTION_LENGTH - 1}`);
  return words.join(' ');
}

/**
 * Checks a question for the scene VQA model: every word in its vocabulary ("color" read as "colour", a final "?"
 * added when missing), at most `QUESTION_LENGTH` tokens.
 * @returns the question's words, ending with "?".
 */
export function checkSceneQuestion(text: string): string[] {
  const words = questionWords(text);
  if (words.length === 0) throw new UsageError('the question is empty: gradcam vqa <image> "<question>"');
  if (words[words.length - 1] !== '?') words.push('?');
  unknown(words, QUESTION_VOCAB, 'the question', 'the scene VQA model', ' (questions like "what colour is the square?", "how many circles are there?", "is there a red cross?")');
  if (words.length > QUESTION_LENGTH) throw new UsageError(`the question has ${words.length} words with the '?'; the scene VQA model reads at most ${QUESTION_LENGTH}`);
  return words;
}

/** Checks `--answer` values for the scene VQA model: each one of its answer words. */
export function checkSceneAnswers(answers: readonly string[]): void {
  const bad = answers.filter((a) => !ANSWER_VOCAB.has(a.trim().toLowerCase()));
  if (bad.length === 0) return;
  throw new UsageError(`unknown answer${bad.length === 1 ? '' : 's'} ${bad.map((a) => `'${a}'`).join(', ')}: the scene VQA model answers one of: ${ANSWER_VOCAB.words.join(' ')}`);
}

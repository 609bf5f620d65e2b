/**
 * Candidate answers and the prompts CLIP scores. CLIP has no answer decoder: zero-shot VQA ranks
 * candidate answers by how well the text "question + answer" matches the image.
 */

/**
 * A general-purpose answer list used when the caller gives none: yes/no, small counts, colours,
 * common objects, shapes and positions. Give your own `answers` for anything specific.
 */
export const DEFAULT_ANSWERS: readonly string[] = [
  'yes', 'no',
  '0', '1', '2', '3', '4', '5',
  'red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'brown', 'black', 'white', 'gray',
  'cat', 'dog', 'bird', 'horse', 'person', 'man', 'woman', 'child',
  'car', 'bus', 'bicycle', 'airplane', 'rocket', 'boat',
  'cup', 'bottle', 'plate', 'food', 'table', 'chair', 'bed', 'sofa',
  'tree', 'grass', 'flower', 'water', 'sky', 'snow', 'building', 'street',
  'circle', 'square', 'triangle',
  'left', 'right', 'top', 'bottom', 'middle',
  'indoors', 'outdoors', 'day', 'night',
];

/** The default prompt: the question followed by the answer, e.g. "what animal is this? cat". */
export const DEFAULT_TEMPLATE = '{question} {answer}';

/**
 * The transformers.js zero-shot `hypothesis_template` for `question`: `template` with `{question}`
 * filled in and `{answer}` turned into the pipeline's `{}` placeholder.
 */
export function hypothesisTemplate(template: string, question: string): string {
  if (!template.includes('{answer}')) throw new Error(`the prompt template ${JSON.stringify(template)} has no {answer} placeholder`);
  return template.split('{question}').join(question).replace('{answer}', '{}');
}

/**
 * The prompt of one answer, exactly as the pipeline builds it: `hypothesis_template.replace('{}', answer)`
 * (JavaScript string replacement, so `$&`-style patterns in an answer act as they do in the pipeline).
 */
export function answerPrompt(template: string, question: string, answer: string): string {
  return hypothesisTemplate(template, question).replace('{}', answer);
}

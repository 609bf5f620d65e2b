// Prompt building (no assets needed).
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANSWERS, DEFAULT_TEMPLATE, answerPrompt, hypothesisTemplate } from '../src/answers.js';

describe('prompts', () => {
  it('fills the question and turns {answer} into the pipeline placeholder', () => {
    expect(hypothesisTemplate(DEFAULT_TEMPLATE, 'what is it?')).toBe('what is it? {}');
    expect(hypothesisTemplate('Q: {question} A: {answer}. ({question})', 'why')).toBe('Q: why A: {}. (why)');
    expect(answerPrompt(DEFAULT_TEMPLATE, 'what animal is this?', 'cat')).toBe('what animal is this? cat');
    expect(answerPrompt('a photo of a {answer}', 'ignored', 'dog')).toBe('a photo of a dog');
    expect(() => hypothesisTemplate('{question}', 'q')).toThrow(/no \{answer\} placeholder/);
  });
  it('has a default list of distinct answers', () => {
    expect(new Set(DEFAULT_ANSWERS).size).toBe(DEFAULT_ANSWERS.length);
    expect(DEFAULT_ANSWERS).toContain('yes');
  });
});

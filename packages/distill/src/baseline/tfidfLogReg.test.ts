import { describe, expect, it } from 'vitest';
import { tfidfBytes, tfidfLogits, trainTfidf, wordNgrams } from './tfidfLogReg';

describe('TF-IDF + logistic regression baseline', () => {
  it('makes word 1-2 grams of words of two or more characters, lower-cased', () => {
    expect(wordNgrams('Win a FREE prize')).toEqual(['win', 'free', 'prize', 'win free', 'free prize']);
  });

  it('learns which n-grams mark the positive class and keeps the most frequent features', () => {
    const texts = ['free money now', 'win free money', 'cheap pills now', 'lunch tomorrow', 'meeting notes attached', 'see you at lunch'];
    const labels = [1, 1, 1, 0, 0, 0];
    const model = trainTfidf(texts, labels, { maxFeatures: 12, steps: 200 });
    expect(model.vocabulary.size).toBe(12);
    expect(model.vocabulary.has('free')).toBe(true);
    const z = tfidfLogits(model, ['free money', 'lunch meeting']);
    expect(z[0]).toBeGreaterThan(0);
    expect(z[1]).toBeLessThan(0);
    expect(tfidfBytes(model)).toBeGreaterThan(4 * 25);
  });
});

import { expect, test } from 'vitest';
import { classificationMetrics, predictedClass } from './classificationMetrics';

test('precision, recall and F1 match a hand-computed binary case', () => {
  // actual:    1 1 1 0 0 0 0 1
  // predicted: 1 1 0 0 0 1 0 1   → TP 3, FN 1, FP 1, TN 3
  const m = classificationMetrics([1, 1, 1, 0, 0, 0, 0, 1], [1, 1, 0, 0, 0, 1, 0, 1], ['ham', 'spam']);
  expect(m.accuracy).toBe(6 / 8);
  expect(m.confusion).toEqual([[3, 1], [1, 3]]);
  expect(m.perClass[1]).toEqual({ label: 'spam', precision: 0.75, recall: 0.75, f1: 0.75, support: 4 });
  expect(m.macroF1).toBe(0.75);
});

test('a class never predicted has precision 0, not NaN', () => {
  const m = classificationMetrics([0, 1], [0, 0], ['a', 'b']);
  expect(m.perClass[1]).toMatchObject({ precision: 0, recall: 0, f1: 0 });
});

test('predicted class is the argmax, or a threshold for a single score', () => {
  expect(predictedClass([0.1, 2, -1], 0.5)).toBe(1);
  expect(predictedClass([0.7], 0.5)).toBe(1);
  expect(predictedClass([0.2], 0.5)).toBe(0);
});

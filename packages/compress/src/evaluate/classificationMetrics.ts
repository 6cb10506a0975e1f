// Accuracy, per-class precision/recall/F1 and the confusion matrix of a classifier's predictions. Pure, so
// the origin's evaluate jobs and `pare eval --data` agree on the numbers.

export interface ClassificationMetrics {
  labelled: number;
  accuracy: number;
  labels: string[];
  /** confusion[actual][predicted] */
  confusion: number[][];
  perClass: Array<{ label: string; precision: number; recall: number; f1: number; support: number }>;
  macroF1: number;
}

export function classificationMetrics(actual: number[], predicted: number[], labels: string[]): ClassificationMetrics {
  const k = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    confusion[actual[i]!]![predicted[i]!]! += 1;
    if (actual[i] === predicted[i]) correct += 1;
  }
  const perClass = labels.map((label, c) => {
    const truePositives = confusion[c]![c]!;
    const predictedAsC = confusion.reduce((sum, row) => sum + row[c]!, 0);
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const precision = predictedAsC ? truePositives / predictedAsC : 0;
    const recall = support ? truePositives / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  return {
    labelled: actual.length,
    accuracy: actual.length ? correct / actual.length : 0,
    labels,
    confusion,
    perClass,
    macroF1: perClass.reduce((sum, c) => sum + c.f1, 0) / Math.max(1, k),
  };
}

/** The predicted class of one example's scores: argmax, or a threshold on a single score. */
export function predictedClass(scores: number[], threshold: number): number {
  if (scores.length === 1) return scores[0]! >= threshold ? 1 : 0;
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}

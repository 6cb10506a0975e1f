// The simple baseline every distilled model is compared with: TF-IDF over word 1-2 grams and an L2-regularised
// logistic regression, as scikit-learn's TfidfVectorizer(ngram_range=(1, 2), max_features) + LogisticRegression
// do it (smooth idf, l2-normalised rows, the most frequent n-grams kept). Trained on the same split as the models.

export interface TfidfOptions {
  /** n-grams kept, the most frequent over the training texts (default 20,000). */
  maxFeatures?: number;
  /** Inverse regularisation strength, as scikit-learn's C (default 10). */
  c?: number;
  /** Full-batch optimisation steps (default 300). */
  steps?: number;
}

export interface TfidfModel {
  vocabulary: Map<string, number>;
  idf: Float32Array;
  weights: Float32Array;
  bias: number;
}

const WORD = /[\p{L}\p{N}]{2,}/gu;

/** Word unigrams and bigrams of a text, lower-cased (scikit-learn's default token pattern keeps words of 2+ characters). */
export function wordNgrams(text: string): string[] {
  const words = text.toLowerCase().match(WORD) ?? [];
  const out = [...words];
  for (let i = 1; i < words.length; i++) out.push(`${words[i - 1]} ${words[i]}`);
  return out;
}

interface SparseRow { index: Int32Array; value: Float32Array }

function vectorize(model: Pick<TfidfModel, 'vocabulary' | 'idf'>, text: string): SparseRow {
  const counts = new Map<number, number>();
  for (const g of wordNgrams(text)) {
    const j = model.vocabulary.get(g);
    if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1);
  }
  const index = Int32Array.from(counts.keys());
  const value = Float32Array.from(index, (j) => counts.get(j)! * model.idf[j]!);
  let sq = 0;
  for (const x of value) sq += x * x;
  const norm = Math.sqrt(sq) || 1;
  for (let k = 0; k < value.length; k++) value[k]! /= norm;
  return { index, value };
}

export function trainTfidf(texts: readonly string[], labels: ArrayLike<number>, o: TfidfOptions = {}): TfidfModel {
  const maxFeatures = o.maxFeatures ?? 20_000;
  const total = new Map<string, number>();
  const docs = new Map<string, number>();
  for (const t of texts) {
    const grams = wordNgrams(t);
    for (const g of grams) total.set(g, (total.get(g) ?? 0) + 1);
    for (const g of new Set(grams)) docs.set(g, (docs.get(g) ?? 0) + 1);
  }
  // Ties broken by the n-gram itself, so the vocabulary does not depend on Map insertion order.
  const kept = [...total.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, maxFeatures).map(([g]) => g);
  const vocabulary = new Map(kept.map((g, i) => [g, i]));
  const n = texts.length;
  const idf = Float32Array.from(kept, (g) => Math.log((1 + n) / (1 + docs.get(g)!)) + 1);
  const rows = texts.map((t) => vectorize({ vocabulary, idf }, t));
  const { weights, bias } = logisticRegression(rows, labels, kept.length, o.c ?? 10, o.steps ?? 300);
  return { vocabulary, idf, weights, bias };
}

/** Full-batch Adam on the mean log-loss plus ||w||² / (2 C n): scikit-learn's objective divided by n. */
function logisticRegression(rows: SparseRow[], labels: ArrayLike<number>, dims: number, c: number, steps: number): { weights: Float32Array; bias: number } {
  const n = rows.length;
  const w = new Float64Array(dims + 1);
  const m = new Float64Array(dims + 1), v = new Float64Array(dims + 1), g = new Float64Array(dims + 1);
  const lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8, l2 = 1 / (c * n);
  for (let step = 1; step <= steps; step++) {
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      let z = w[dims]!;
      for (let k = 0; k < r.index.length; k++) z += w[r.index[k]!]! * r.value[k]!;
      const err = (1 / (1 + Math.exp(-z)) - labels[i]!) / n;
      for (let k = 0; k < r.index.length; k++) g[r.index[k]!]! += err * r.value[k]!;
      g[dims]! += err;
    }
    for (let j = 0; j <= dims; j++) {
      const grad = g[j]! + (j < dims ? l2 * w[j]! : 0);
      m[j] = b1 * m[j]! + (1 - b1) * grad;
      v[j] = b2 * v[j]! + (1 - b2) * grad * grad;
      w[j]! -= (lr * (m[j]! / (1 - b1 ** step))) / (Math.sqrt(v[j]! / (1 - b2 ** step)) + eps);
    }
  }
  return { weights: Float32Array.from(w.subarray(0, dims)), bias: w[dims]! };
}

/** Logit of the positive class for each text. */
export function tfidfLogits(model: TfidfModel, texts: readonly string[]): Float32Array {
  return Float32Array.from(texts, (t) => {
    const r = vectorize(model, t);
    let z = model.bias;
    for (let k = 0; k < r.index.length; k++) z += model.weights[r.index[k]!]! * r.value[k]!;
    return z;
  });
}

/** Bytes the model takes stored as float32 weights and idf plus its n-grams as UTF-8 lines. */
export function tfidfBytes(model: TfidfModel): number {
  let text = 0;
  for (const g of model.vocabulary.keys()) text += new TextEncoder().encode(g).byteLength + 1;
  return text + 4 * (model.weights.length + model.idf.length + 1);
}

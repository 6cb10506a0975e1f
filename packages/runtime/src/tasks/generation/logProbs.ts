// Natural-log probabilities from a row of logits, in float64 (a vocabulary-wide sum of float32 exponentials
// loses the small probabilities that perplexity is made of).

/** log softmax(row)[id]. */
export function logProbOf(row: ArrayLike<number>, id: number): number {
  return row[id]! - logSumExp(row);
}

export function logSumExp(row: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i]! - max);
  return max + Math.log(sum);
}

/** The `k` most probable ids of a row with their log-probabilities, most probable first. */
export function topLogProbs(row: ArrayLike<number>, k: number): Array<{ id: number; logprob: number }> {
  const norm = logSumExp(row);
  const best: number[] = [];
  for (let i = 0; i < row.length; i++) {
    if (best.length < k || row[i]! > row[best[best.length - 1]!]!) {
      best.push(i);
      best.sort((a, b) => row[b]! - row[a]! || a - b);
      if (best.length > k) best.pop();
    }
  }
  return best.map((id) => ({ id, logprob: row[id]! - norm }));
}

// The token-embedding lookup and its gradient, done on plain Float32Arrays outside jax-js: jit cannot compile the
// scatter-add that a gather's gradient needs (docs/platform.md), and doing it here is a cheap copy per step.

/** Rows of `table` ([vocab, D]) for `ids` ([rows]) into a new [rows, D] array. */
export function gatherRows(table: Float32Array, D: number, ids: Int32Array): Float32Array {
  const out = new Float32Array(ids.length * D);
  for (let r = 0; r < ids.length; r++) out.set(table.subarray(ids[r]! * D, ids[r]! * D + D), r * D);
  return out;
}

/** Gradient of the lookup: add each row of `grad` ([rows, D]) into `into` ([vocab, D]) at its id. */
export function scatterAddRows(into: Float32Array, D: number, ids: Int32Array, grad: Float32Array): void {
  for (let r = 0; r < ids.length; r++) {
    const base = ids[r]! * D;
    for (let d = 0; d < D; d++) into[base + d]! += grad[r * D + d]!;
  }
}

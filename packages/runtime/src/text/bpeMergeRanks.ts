// The library's BPE looks up every candidate merge under JSON.stringify([left, right]), which is most of a
// byte-level BPE word's cost. The same ranks in a map of maps give the same merges without building a string
// per lookup; the model's own merge loop is kept (test/hf/tokenizerParity.test.ts checks ids against Python).

interface MergeNode {
  token: string;
  bias: number;
  score?: number;
  next: MergeNode | null;
}

/** What the library's BPE model holds (runtime fields, checked before use). */
interface BpeModel {
  merges: Array<[string, string]>;
  bpe_ranks: Map<string, number>;
  add_node(queue: { push(node: MergeNode): void }, node: MergeNode): void;
}

function isBpe(model: unknown): model is BpeModel {
  const m = model as Partial<BpeModel>;
  return Array.isArray(m.merges) && m.bpe_ranks instanceof Map && typeof m.add_node === 'function';
}

/** Swaps a BPE model's merge-rank lookup for a map of maps; any other model is left as it is. */
export function useBpeMergeRanks(model: unknown): void {
  if (!isBpe(model)) return;
  const ranks = new Map<string, Map<string, number>>();
  model.merges.forEach(([left, right], rank) => {
    let byRight = ranks.get(left);
    if (!byRight) ranks.set(left, (byRight = new Map()));
    // A pair listed twice keeps its last rank, as the library's `new Map(entries)` does.
    byRight.set(right, rank);
  });
  model.add_node = (queue, node) => {
    const rank = ranks.get(node.token)?.get(node.next!.token);
    if (rank !== undefined) {
      node.score = rank + node.bias;
      queue.push(node);
    }
  };
}

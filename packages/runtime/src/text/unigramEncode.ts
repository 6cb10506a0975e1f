// Unigram segmentation as Python's `tokenizers` does it (its "optimized" forward pass): for each end position
// keep the best path, the first one found on a tie. The library's lattice search finds an equally scored path
// too, but breaks ties differently on long runs of repeated pieces ("=-=-=-…"), so ids would differ there.
// It reuses the library model's own trie (walked directly: its generator costs more than the search) and scores.

interface TrieNode {
  is_leaf: boolean;
  children: Map<string, TrieNode>;
}

interface CharTrie {
  root: TrieNode;
}

/** What the library's Unigram model holds (runtime fields, checked by unigramEncoder before use). */
interface UnigramModel {
  trie: CharTrie;
  scores: number[];
  tokens_to_ids: Map<string, number>;
  unk_token_id: number;
  unk_score: number;
}

function isUnigram(model: unknown): model is UnigramModel {
  const m = model as Partial<UnigramModel>;
  return m.trie?.root?.children instanceof Map && Array.isArray(m.scores) && typeof m.unk_score === 'number' && m.tokens_to_ids instanceof Map;
}

/** Per-word encoder for a Unigram model, or undefined for any other model (the library's own is used). */
export function unigramEncoder(model: unknown): ((word: string) => string[]) | undefined {
  if (!isUnigram(model)) return undefined;
  const m = model;
  // A leaf's score, found once through its piece and then kept on the node: no string is built per step.
  const leafScore = new WeakMap<TrieNode, number>();
  return (word) => {
    const chars = Array.from(word);
    const n = chars.length;
    const score = new Float64Array(n + 1);
    const from = new Int32Array(n + 1).fill(-1);
    const unk = new Uint8Array(n + 1);
    for (let s = 0; s < n; s++) {
      const base = score[s]!;
      let single = false;
      // Every vocabulary piece that starts at s, walking the library's trie one character at a time.
      let node: TrieNode | undefined = m.trie.root;
      for (let e = s; e < n; e++) {
        node = node.children.get(chars[e]!);
        if (node === undefined) break;
        if (!node.is_leaf) continue;
        let leaf = leafScore.get(node);
        if (leaf === undefined) {
          leaf = m.scores[m.tokens_to_ids.get(chars.slice(s, e + 1).join(''))!]!;
          leafScore.set(node, leaf);
        }
        const candidate = leaf + base;
        if (from[e + 1]! < 0 || candidate > score[e + 1]!) { score[e + 1] = candidate; from[e + 1] = s; unk[e + 1] = 0; }
        if (e === s) single = true;
      }
      if (!single) {
        const candidate = m.unk_score + base;
        if (from[s + 1]! < 0 || candidate > score[s + 1]!) { score[s + 1] = candidate; from[s + 1] = s; unk[s + 1] = 1; }
      }
    }
    // Walk back; neighbouring unknown characters fuse into one unknown token, as Python's fuse_unk does.
    const out: string[] = [];
    let pendingUnk = '';
    for (let e = n; e > 0; e = from[e]!) {
      const piece = e - from[e]! === 1 ? chars[e - 1]! : chars.slice(from[e]!, e).join('');
      if (unk[e]) { pendingUnk = piece + pendingUnk; continue; }
      if (pendingUnk) { out.push(pendingUnk); pendingUnk = ''; }
      out.push(piece);
    }
    if (pendingUnk) out.push(pendingUnk);
    return out.reverse();
  };
}

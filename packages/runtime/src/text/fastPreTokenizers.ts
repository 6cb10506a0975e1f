// Two costs of the library's pre-tokenisers that do not change what they return: `pre_tokenize` flattens its
// result with Array.prototype.flat (slow in V8, and done at every level of a Sequence), and ByteLevel maps each
// piece to its byte alphabet through Array.from + join on every call although pieces repeat. Each node of the
// pre-tokeniser tree gets an equivalent `pre_tokenize`, and ByteLevel nodes a memoised byte mapping
// (test/hf/tokenizerParity.test.ts checks the ids against Python's `tokenizers`).

/** Distinct pieces whose byte-level form is remembered (bounds memory on adversarial texts). */
const BYTE_LEVEL_LIMIT = 50_000;

/** What a pre-tokeniser node of the library holds (runtime fields, checked before use). */
interface PreTokenizerNode {
  pre_tokenize_text(text: string, options?: unknown): unknown[];
  pre_tokenize(text: string | string[], options?: unknown): unknown[];
  tokenizers?: unknown[];
}

interface ByteLevelNode extends PreTokenizerNode {
  add_prefix_space: boolean;
  use_regex: boolean;
  pattern: RegExp;
  byte_encoder: Record<number, string>;
}

const isNode = (x: unknown): x is PreTokenizerNode => typeof (x as PreTokenizerNode | null)?.pre_tokenize_text === 'function' && typeof (x as PreTokenizerNode).pre_tokenize === 'function';

function isByteLevel(node: PreTokenizerNode): node is ByteLevelNode {
  const b = node as Partial<ByteLevelNode>;
  return typeof b.add_prefix_space === 'boolean' && typeof b.use_regex === 'boolean' && b.pattern instanceof RegExp && typeof b.byte_encoder === 'object' && b.byte_encoder !== null && typeof b.byte_encoder[0] === 'string';
}

/** Append `items` to `out`, one level of arrays flattened (what `.flat()` does to a pre-tokeniser's result). */
function pushFlat(out: unknown[], items: unknown[]): void {
  for (const item of items) {
    if (Array.isArray(item)) for (const inner of item) out.push(inner);
    else out.push(item);
  }
}

function speedUpByteLevel(node: ByteLevelNode): void {
  const alphabet = Array.from({ length: 256 }, (_, b) => node.byte_encoder[b]!);
  const encoder = new TextEncoder();
  const memo = new Map<string, string>();
  const mapped = (piece: string): string => {
    let out = memo.get(piece);
    if (out === undefined) {
      out = '';
      for (const byte of encoder.encode(piece)) out += alphabet[byte];
      if (memo.size < BYTE_LEVEL_LIMIT) memo.set(piece, out);
    }
    return out;
  };
  node.pre_tokenize_text = (text: string) => {
    if (node.add_prefix_space && !text.startsWith(' ')) text = ` ${text}`;
    const pieces = node.use_regex ? (text.match(node.pattern) ?? []) : [text];
    return pieces.map(mapped);
  };
}

/** Give every node of a tokenizer's pre-tokeniser tree the faster, equivalent methods; anything else is left alone. */
export function speedUpPreTokenizer(root: unknown): void {
  if (!isNode(root)) return;
  if (isByteLevel(root)) speedUpByteLevel(root);
  for (const child of root.tokenizers ?? []) speedUpPreTokenizer(child);
  root.pre_tokenize = (text, options) => {
    const out: unknown[] = [];
    if (Array.isArray(text)) for (const t of text) pushFlat(out, root.pre_tokenize_text(t, options));
    else pushFlat(out, root.pre_tokenize_text(text, options));
    return out;
  };
}

// Where @huggingface/tokenizers 0.2.0 splits words differently from Python's `tokenizers`, the tokenizer.json
// handed to it is rewritten into an equivalent it gets right (the parity test in
// test/hf/tokenizerParity.test.ts shows both):
//   - ByteLevel's built-in GPT-2 regex and WhitespaceSplit use JavaScript's \s, which counts U+FEFF as a space
//     and misses U+0085; the same regexes as Split patterns go through the library's Rust-to-JS rewrite
//     (\s → \p{White_Space}).
//   - Metaspace ignores `split: true`: words are then cut before each "▁" here, merged with what follows.
import { childComponents, type Component, type TokenizerJson } from './tokenizerJson';

const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

function rewrite(c: Component): Component {
  if (c.type === 'Sequence' && Array.isArray(c['pretokenizers'])) return { ...c, pretokenizers: childComponents(c).map(rewrite) };
  if (c.type === 'ByteLevel' && c['use_regex'] !== false) {
    const prefix = c['add_prefix_space'] === true ? [{ type: 'Metaspace', replacement: ' ', prepend_scheme: 'always', split: false }] : [];
    return {
      type: 'Sequence',
      pretokenizers: [
        ...prefix,
        { type: 'Split', pattern: { Regex: GPT2_PATTERN }, behavior: 'Isolated', invert: false },
        { ...c, add_prefix_space: false, use_regex: false },
      ],
    };
  }
  if (c.type === 'WhitespaceSplit') return { type: 'Split', pattern: { Regex: '\\s+' }, behavior: 'Removed', invert: false };
  if (c.type === 'Metaspace' && c['split'] !== false) {
    const r = typeof c['replacement'] === 'string' ? (c['replacement'] as string) : '\u2581';
    const e = r.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // The library's Split with invert keeps the matches themselves: each "▁…" run, and a leading run without one.
    return { type: 'Sequence', pretokenizers: [c, { type: 'Split', pattern: { Regex: `${e}[^${e}]*|[^${e}]+` }, behavior: 'MergedWithNext', invert: true }] };
  }
  return c;
}

export function forLibrary(json: TokenizerJson): TokenizerJson {
  return json.pre_tokenizer ? { ...json, pre_tokenizer: rewrite(json.pre_tokenizer) } : json;
}

// The parts of a Hugging Face `tokenizer.json` Pare reads itself (the library reads the rest), checked once:
// the folder import refuses what the edge could not serve, and the edge parses the same way before loading.
import { PareError } from '@pare/errors';

/** Tokenizer models Pare serves (WordLevel is a plain vocabulary lookup). */
export const SERVED_TOKENIZER_MODELS = ['WordPiece', 'BPE', 'Unigram', 'WordLevel'] as const;
export type TokenizerModelType = (typeof SERVED_TOKENIZER_MODELS)[number];

const NORMALIZERS = new Set(['BertNormalizer', 'Precompiled', 'Sequence', 'Replace', 'NFC', 'NFD', 'NFKC', 'NFKD', 'Strip', 'StripAccents', 'Lowercase', 'Prepend']);
const PRE_TOKENIZERS = new Set(['BertPreTokenizer', 'Sequence', 'Whitespace', 'WhitespaceSplit', 'Metaspace', 'ByteLevel', 'Split', 'Punctuation', 'Digits', 'Replace']);
const POST_PROCESSORS = new Set(['TemplateProcessing', 'ByteLevel', 'BertProcessing', 'RobertaProcessing', 'Sequence']);

export interface Component {
  type: string;
  [key: string]: unknown;
}

export interface AddedTokenJson {
  id: number;
  content: string;
  special: boolean;
  normalized: boolean;
  lstrip: boolean;
  rstrip: boolean;
  single_word?: boolean;
}

export interface TokenizerJson {
  model: Component & { type: TokenizerModelType; unk_token?: string | null; continuing_subword_prefix?: string | null; vocab: unknown };
  normalizer: Component | null;
  pre_tokenizer: Component | null;
  post_processor: Component | null;
  decoder: Component | null;
  added_tokens: AddedTokenJson[];
  padding: { direction?: string; pad_id?: number; pad_token?: string } | null;
  truncation: { max_length?: number; direction?: string } | null;
}

/** The components a Sequence holds (none for any other component). */
export function childComponents(c: Component): Component[] {
  return ([c['normalizers'], c['pretokenizers'], c['processors']].find(Array.isArray) as Component[] | undefined) ?? [];
}

/** The type of each component and of the nested ones inside a Sequence. */
function componentTypes(c: Component | null): string[] {
  return c ? [c.type, ...childComponents(c).flatMap(componentTypes)] : [];
}

function invalid(file: string, field: string, message: string): PareError {
  return new PareError('tokenizer_unsupported', `${file}: ${field}: ${message}`, { status: 400, details: { file, field } });
}

/** Parse tokenizer.json bytes and refuse any component the runtime's tokenizer library does not implement. */
export function parseTokenizerJson(bytes: Uint8Array, file = 'tokenizer.json'): TokenizerJson {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch (cause) {
    throw new PareError('tokenizer_invalid', `${file} is not valid JSON.`, { status: 400, cause, details: { file } });
  }
  const model = json['model'] as Component | undefined;
  if (!model || typeof model !== 'object') throw invalid(file, 'model', 'missing; a tokenizer.json has a model section.');
  // Old exports omit model.type; the vocabulary's shape says which it is, as the tokenizers library infers it.
  const type = model.type ?? (Array.isArray(model['vocab']) ? 'Unigram' : 'merges' in model ? 'BPE' : 'continuing_subword_prefix' in model ? 'WordPiece' : 'WordLevel');
  if (!(SERVED_TOKENIZER_MODELS as readonly string[]).includes(type)) {
    throw invalid(file, 'model.type', `"${type}" is not a tokenizer model Pare can serve; supported: ${SERVED_TOKENIZER_MODELS.join(', ')}.`);
  }
  const check = (field: string, allowed: Set<string>) => {
    for (const t of componentTypes((json[field] as Component | null) ?? null)) {
      if (!allowed.has(t)) throw invalid(file, `${field}.type`, `"${t}" is not supported; supported: ${[...allowed].join(', ')}.`);
    }
  };
  check('normalizer', NORMALIZERS);
  check('pre_tokenizer', PRE_TOKENIZERS);
  check('post_processor', POST_PROCESSORS);
  return {
    model: { ...model, type } as TokenizerJson['model'],
    normalizer: (json['normalizer'] as Component | null) ?? null,
    pre_tokenizer: (json['pre_tokenizer'] as Component | null) ?? null,
    post_processor: (json['post_processor'] as Component | null) ?? null,
    decoder: (json['decoder'] as Component | null) ?? null,
    added_tokens: (json['added_tokens'] as AddedTokenJson[] | undefined) ?? [],
    padding: (json['padding'] as TokenizerJson['padding']) ?? null,
    truncation: (json['truncation'] as TokenizerJson['truncation']) ?? null,
  };
}

/** The first component of this type (itself or inside a Sequence). */
export function findComponent(c: Component | null, type: string): Component | undefined {
  if (!c) return undefined;
  if (c.type === type) return c;
  return childComponents(c).map((x) => findComponent(x, type)).find((x) => x !== undefined);
}

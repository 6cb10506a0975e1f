// The tokenizer spec of a Hugging Face folder: tokenizer.json's hash and size, the longest row from
// tokenizer_config.json's model_max_length capped by the positions the model has, and the truncation and
// padding sides. The tokenizer is also built once here, so a tokenizer.json the runtime cannot load fails at
// import rather than at the first request.
import type { HuggingFaceTokenizerSpec } from '../manifest';
import { sha256Hex } from '../bytes/sha256Hex';
import { HuggingFaceTokenizer } from '../text/huggingFaceTokenizer';
import { parseTokenizerJson, type TokenizerJson } from '../text/tokenizerJson';
import type { FolderFiles } from './folderFiles';

/** Models whose position ids start after the padding index (RoBERTa's scheme): that many positions are unusable. */
const OFFSET_POSITIONS = new Set(['roberta', 'xlm-roberta', 'xlm-roberta-xl', 'camembert', 'longformer', 'mpnet', 'data2vec-text', 'ibert']);

/** transformers writes a huge sentinel (1e30) for "no limit". */
const NO_LIMIT = 1e9;

export interface FolderTokenizer {
  spec: HuggingFaceTokenizerSpec;
  bytes: Uint8Array;
  json: TokenizerJson;
  /** Where maxLength came from, for `pare inspect`. */
  limits: { modelMaxLength?: number; positions?: number; sentenceMaxSeqLength?: number };
  doLowerCase?: boolean;
}

const tokenText = (v: unknown): string | undefined => (typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string' ? (v as { content: string }).content : undefined);

export async function folderTokenizer(files: FolderFiles, config: Record<string, unknown>): Promise<FolderTokenizer> {
  if (!files.has('tokenizer.json')) {
    throw files.refuse('file_not_found', 'tokenizer.json', '(file)', 'missing; Pare serves text models from their tokenizer.json (save it with tokenizer.save_pretrained, which writes one for fast tokenizers).');
  }
  const bytes = await files.bytes('tokenizer.json');
  const json = parseTokenizerJson(bytes, `${files.dir}/tokenizer.json`);
  const tc = (await files.json('tokenizer_config.json')) ?? {};
  const sentence = await files.json('sentence_bert_config.json');

  const modelMax = Number(tc['model_max_length']);
  const maxPositions = Number(config['max_position_embeddings'] ?? config['n_positions']);
  const offset = OFFSET_POSITIONS.has(String(config['model_type'])) ? Number(config['pad_token_id'] ?? 1) + 1 : 0;
  const limits = {
    ...(Number.isFinite(modelMax) && modelMax > 0 && modelMax < NO_LIMIT ? { modelMaxLength: modelMax } : {}),
    ...(Number.isFinite(maxPositions) && maxPositions > 0 ? { positions: maxPositions - offset } : {}),
    ...(typeof sentence?.['max_seq_length'] === 'number' ? { sentenceMaxSeqLength: sentence['max_seq_length'] } : {}),
  };
  // tokenizer.json's own truncation is the state the tokenizer was last used in, not a limit of the model.
  const caps = [limits.modelMaxLength, limits.positions, limits.sentenceMaxSeqLength].filter((n): n is number => typeof n === 'number');
  const side = (field: string, v: unknown) => {
    if (v === undefined || v === null || v === 'right' || v === 'left') return v ?? undefined;
    throw files.refuse('tokenizer_unsupported', 'tokenizer_config.json', field, `"${String(v)}" is not right or left.`);
  };
  const padToken = tokenText(tc['pad_token']);
  const padding = side('padding_side', tc['padding_side']) as 'right' | 'left' | undefined;
  const spec: HuggingFaceTokenizerSpec = {
    kind: 'huggingface',
    sha256: await sha256Hex(bytes),
    bytes: bytes.byteLength,
    maxLength: caps.length ? Math.min(...caps) : 512,
    truncation: (side('truncation_side', tc['truncation_side']) as 'right' | 'left' | undefined) ?? 'right',
    ...(padToken !== undefined ? { padToken } : {}),
    ...(padding ? { padding } : {}),
    ...(typeof tc['clean_up_tokenization_spaces'] === 'boolean' ? { cleanUpSpaces: tc['clean_up_tokenization_spaces'] } : {}),
  };
  try {
    new HuggingFaceTokenizer(json, spec).encode(['Pare checks the tokenizer loads.']);
  } catch (cause) {
    throw files.refuse('tokenizer_unsupported', 'tokenizer.json', '(file)', `the tokenizer library cannot run it: ${(cause as Error).message}`);
  }
  return { spec, bytes, json, limits, ...(typeof tc['do_lower_case'] === 'boolean' ? { doLowerCase: tc['do_lower_case'] } : {}) };
}

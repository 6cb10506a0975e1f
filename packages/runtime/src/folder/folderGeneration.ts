// What a decoder LM folder needs beyond its tokenizer: whether the graph has a key/value cache (Optimum's
// text-generation-with-past layout: past_key_values.N.key/value in, present.N.key/value out), the cache's
// heads and head width, the positions the model has, its end-of-sequence ids and generation_config.json's
// sampling defaults. transformers' own defaults apply where a file says nothing (greedy unless do_sample).
import type { ValueSummary } from '@pare/onnx';
import type { GenerationSpec, KvCacheSpec } from '../manifest';
import type { FolderFiles } from './folderFiles';

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;

export const isCacheInput = (name: string): boolean => PAST.test(name);

const ids = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x)) : Number.isInteger(v) ? [v as number] : []);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function cacheOf(files: FolderFiles, modelFile: string, config: Record<string, unknown>, inputs: readonly ValueSummary[], outputs: readonly ValueSummary[]): KvCacheSpec | undefined {
  const past = inputs.filter((i) => isCacheInput(i.name)).sort((a, b) => {
    const [, la, ka] = PAST.exec(a.name)!;
    const [, lb, kb] = PAST.exec(b.name)!;
    return Number(la) - Number(lb) || ka!.localeCompare(kb!);
  });
  if (past.length === 0) return undefined;
  const pairs = past.map((p) => {
    const [, layer, kind] = PAST.exec(p.name)!;
    const present = `present.${layer}.${kind}`;
    if (!outputs.some((o) => o.name === present)) throw files.refuse('input_unsupported', modelFile, `inputs.${p.name}`, `has no matching output "${present}" to feed it from.`);
    return { past: p.name, present };
  });
  const shape = past[0]!.shape ?? [];
  const attention = num(config['num_attention_heads']) ?? num(config['n_head']);
  const hidden = num(config['hidden_size']) ?? num(config['n_embd']);
  const heads = (typeof shape[1] === 'number' ? shape[1] : undefined) ?? num(config['num_key_value_heads']) ?? attention;
  const headDim = (typeof shape[3] === 'number' ? shape[3] : undefined) ?? num(config['head_dim']) ?? (hidden && attention ? hidden / attention : undefined);
  if (!heads || !headDim || !Number.isInteger(headDim)) {
    throw files.refuse('input_unsupported', modelFile, `inputs.${past[0]!.name}`, 'the cache\'s heads and head width are neither in its shape nor in config.json (num_key_value_heads, hidden_size / num_attention_heads).');
  }
  const dtype = past[0]!.dtype;
  if (dtype !== 'float32' && dtype !== 'float16') throw files.refuse('input_unsupported', modelFile, `inputs.${past[0]!.name}`, `is ${dtype}; Pare keeps a float32 or float16 cache.`);
  return { pairs, heads, headDim, dtype };
}

export async function folderGeneration(files: FolderFiles, modelFile: string, config: Record<string, unknown>, inputs: readonly ValueSummary[], outputs: readonly ValueSummary[]): Promise<GenerationSpec> {
  const gen = (await files.json('generation_config.json')) ?? {};
  const maxPositions = num(config['max_position_embeddings']) ?? num(config['n_positions']) ?? num(config['n_ctx']);
  if (!maxPositions) throw files.refuse('task_unsupported', 'config.json', 'max_position_embeddings', 'missing (nor n_positions): Pare bounds prompt + new tokens by it.');
  const logits = outputs.find((o) => o.name === 'logits') ?? outputs[0]!;
  if (logits.shape?.length !== 3) {
    throw files.refuse('task_unsupported', modelFile, `outputs.${logits.name}`, `is [${(logits.shape ?? []).join(', ')}]; a text-generation model (config.json says ${String((config['architectures'] as string[] | undefined)?.[0])}) gives logits [batch, sequence, vocab].`);
  }
  const cache = cacheOf(files, modelFile, config, inputs, outputs);
  const eos = ids(gen['eos_token_id'] ?? config['eos_token_id']);
  const bos = ids(gen['bos_token_id'] ?? config['bos_token_id'])[0];
  const sampling = gen['do_sample'] === true;
  const maxNew = num(gen['max_new_tokens']);
  const topK = sampling ? num(gen['top_k']) ?? 50 : undefined;
  const topP = sampling ? num(gen['top_p']) : undefined;
  return {
    logits: logits.name,
    ...(cache ? { cache } : {}),
    maxPositions,
    eosTokenIds: eos,
    ...(bos !== undefined ? { bosTokenId: bos } : {}),
    defaults: {
      temperature: sampling ? num(gen['temperature']) ?? 1 : 0,
      ...(maxNew ? { maxNewTokens: maxNew } : {}),
      ...(topK !== undefined ? { topK } : {}),
      ...(topP !== undefined ? { topP } : {}),
    },
  };
}

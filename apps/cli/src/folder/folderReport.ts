// What `pare inspect <folder>` adds for a Hugging Face or variant folder: everything the import read and will
// serve (task, labels, activation, pooling, the tokenizer and where its limits came from, which input gets what).
import { childComponents, type Component } from '@pare/runtime';
import { readModelFolder, type ModelFolder } from '@pare/runtime/folder';

export interface FolderReport {
  dir: string;
  modelFile: string;
  /** Pare's manifest.json describes this model (a folder `pare compress` wrote). */
  fromManifest: boolean;
  architectures: string[];
  modelType?: string;
  problemType?: string;
  task: string;
  labels?: string[];
  activation?: string;
  aggregation?: string;
  embedding?: { pooling: string; normalize: boolean; output?: string };
  tokenizer: {
    model: string;
    normalizer: string | null;
    preTokenizer: string | null;
    postProcessor: string | null;
    vocabSize: number;
    sha256: string;
    bytes: number;
    maxLength: number;
    limits: ModelFolder['tokenizer']['limits'];
    truncation: string;
    padding?: string;
    padToken?: string;
    doLowerCase?: boolean;
  };
  /** Text generation: the cache, or what recomputing costs without one. */
  generation?: GenerationReport;
  /** Model input → what Pare feeds it. */
  feeds: Record<string, string>;
  configFiles: string[];
}

export interface GenerationReport {
  maxPositions: number;
  eosTokenIds: number[];
  defaults: Record<string, number>;
  cache?: { layers: number; heads: number; headDim: number; dtype: string; bytesPerPosition: number };
  /** Positions run to make `newTokens` tokens after a `promptTokens` prompt, with a cache and by recomputing. */
  cost: { promptTokens: number; newTokens: number; cachedPositions: number; recomputePositions: number };
}

/** The example `pare inspect` prices generation at: a 128-token context. */
const COST_PROMPT = 96;
const COST_NEW = 32;

function generationReport(spec: NonNullable<ModelFolder['fields']['generation']>): GenerationReport {
  const prompt = Math.min(COST_PROMPT, Math.max(1, spec.maxPositions - COST_NEW));
  const fresh = Math.min(COST_NEW, spec.maxPositions - prompt);
  let recompute = 0;
  for (let i = 0; i < fresh; i++) recompute += prompt + i;
  const c = spec.cache;
  return {
    maxPositions: spec.maxPositions, eosTokenIds: spec.eosTokenIds, defaults: spec.defaults as Record<string, number>,
    ...(c ? { cache: { layers: c.pairs.length / 2, heads: c.heads, headDim: c.headDim, dtype: c.dtype, bytesPerPosition: c.pairs.length * c.heads * c.headDim * (c.dtype === 'float16' ? 2 : 4) } } : {}),
    cost: { promptTokens: prompt, newTokens: fresh, cachedPositions: prompt + fresh - 1, recomputePositions: recompute },
  };
}

function generationLines(g: GenerationReport): string[] {
  const { cost } = g;
  const example = `${cost.newTokens} new tokens after a ${cost.promptTokens}-token prompt`;
  const cacheLine = g.cache
    ? [`  kv cache        yes: ${g.cache.layers} layers × key/value, ${g.cache.heads} heads × ${g.cache.headDim} (${g.cache.dtype}), ${g.cache.bytesPerPosition.toLocaleString('en-US')} bytes per position`,
       `  cost            each new token runs 1 position: ${example} run ${cost.cachedPositions} positions (recomputing would run ${cost.recomputePositions.toLocaleString('en-US')})`]
    : [`  kv cache        no: every new token reruns the whole sequence`,
       `  cost            ${example} run ${cost.recomputePositions.toLocaleString('en-US')} positions (${(cost.recomputePositions / cost.cachedPositions).toFixed(0)}× the ${cost.cachedPositions} of a cached export; export with past_key_values to decode one token per step)`];
  const defaults = Object.entries(g.defaults).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    '',
    '  generation',
    `  positions       ${g.maxPositions} (prompt + new tokens)`,
    `  end of text     ${g.eosTokenIds.length ? `token ${g.eosTokenIds.join(', ')}` : '(none: stops at max_new_tokens)'}`,
    `  defaults        ${defaults || '(none)'}`,
    ...cacheLine,
  ];
}

const describeComponent = (c: Component | null): string | null => {
  if (!c) return null;
  const inner = childComponents(c);
  return inner.length ? `${c.type}(${inner.map((x) => x.type).join(', ')})` : c.type;
};

export async function folderReport(dir: string): Promise<{ folder: ModelFolder; report: FolderReport }> {
  const folder = await readModelFolder(dir);
  const { fields, tokenizer } = folder;
  const json = tokenizer.json;
  const pre = fields.preprocess;
  const feeds: Record<string, string> = { [pre.idsInput]: 'token ids' };
  if (pre.maskInput) feeds[pre.maskInput] = 'attention mask (1 for tokens, 0 for padding)';
  if (pre.typeIdsInput) feeds[pre.typeIdsInput] = 'token type ids (0 for a single text)';
  if (pre.positionIdsInput) feeds[pre.positionIdsInput] = 'positions 0..length-1';
  for (const p of fields.generation?.cache?.pairs ?? []) feeds[p.past] = `the previous step's ${p.present}`;
  const vocab = json.model.vocab;
  const vocabSize = Math.max(Array.isArray(vocab) ? vocab.length : Object.keys(vocab as object).length, ...json.added_tokens.map((t) => t.id + 1));
  const spec = tokenizer.spec;
  return {
    folder,
    report: {
      dir, modelFile: folder.modelFile, fromManifest: folder.manifest !== undefined,
      architectures: folder.config.architectures,
      ...(folder.config.modelType ? { modelType: folder.config.modelType } : {}),
      ...(folder.config.problemType ? { problemType: folder.config.problemType } : {}),
      task: fields.task,
      ...(fields.postprocess ? { labels: fields.postprocess.labels, activation: fields.postprocess.activation ?? (fields.postprocess.softmax ? 'softmax' : 'none') } : {}),
      ...(fields.postprocess?.aggregation ? { aggregation: fields.postprocess.aggregation } : {}),
      ...(fields.embedding ? { embedding: fields.embedding } : {}),
      ...(fields.generation ? { generation: generationReport(fields.generation) } : {}),
      tokenizer: {
        model: json.model.type,
        normalizer: describeComponent(json.normalizer),
        preTokenizer: describeComponent(json.pre_tokenizer),
        postProcessor: describeComponent(json.post_processor),
        vocabSize, sha256: spec.sha256, bytes: spec.bytes, maxLength: spec.maxLength, limits: tokenizer.limits,
        truncation: spec.truncation,
        ...(spec.padding ? { padding: spec.padding } : {}),
        ...(spec.padToken ? { padToken: spec.padToken } : {}),
        ...(tokenizer.doLowerCase !== undefined ? { doLowerCase: tokenizer.doLowerCase } : {}),
      },
      feeds,
      configFiles: folder.configFiles,
    },
  };
}

/** The report as a few indented lines, the style of the other `pare inspect` sections. */
export function folderText(r: FolderReport): string {
  const t = r.tokenizer;
  const limits = [
    t.limits.modelMaxLength !== undefined ? `model_max_length ${t.limits.modelMaxLength}` : undefined,
    t.limits.positions !== undefined ? `positions ${t.limits.positions}` : undefined,
    t.limits.sentenceMaxSeqLength !== undefined ? `max_seq_length ${t.limits.sentenceMaxSeqLength}` : undefined,
  ].filter(Boolean).join(', ');
  const lines = [
    '  folder',
    `  model file      ${r.modelFile}${r.fromManifest ? ' (with Pare manifest.json)' : ''}`,
    `  architecture    ${r.architectures.join(', ') || '(none)'}${r.modelType ? ` (${r.modelType})` : ''}`,
    `  task            ${r.task}${r.problemType ? ` (${r.problemType})` : ''}`,
    ...(r.labels ? [`  labels          ${r.labels.join(', ')}`, `  activation      ${r.activation}`] : []),
    ...(r.aggregation ? [`  aggregation     ${r.aggregation}`] : []),
    ...(r.generation ? generationLines(r.generation) : []),
    ...(r.embedding ? [`  pooling         ${r.embedding.pooling}${r.embedding.normalize ? ', L2-normalised' : ''}${r.embedding.output ? ` (output ${r.embedding.output})` : ''}`] : []),
    '',
    '  tokenizer',
    `  model           ${t.model}, ${t.vocabSize.toLocaleString('en-US')} tokens`,
    `  normalizer      ${t.normalizer ?? '(none)'}`,
    `  pre-tokenizer   ${t.preTokenizer ?? '(none)'}`,
    `  post-processor  ${t.postProcessor ?? '(none)'}`,
    `  max length      ${t.maxLength}${limits ? ` (from ${limits})` : ''}`,
    `  truncation      ${t.truncation}; padding ${t.padding ?? 'right'}${t.padToken ? ` with ${t.padToken}` : ''}`,
    ...(t.doLowerCase !== undefined ? [`  do_lower_case   ${t.doLowerCase}`] : []),
    `  tokenizer.json  ${t.bytes.toLocaleString('en-US')} bytes, sha256 ${t.sha256}`,
    '',
    '  feeds',
    ...Object.entries(r.feeds).map(([input, what]) => `  ${input.padEnd(15)} ${what}`),
    '',
    `  config files    ${r.configFiles.join(', ')}`,
  ];
  return `${lines.join('\n')}\n`;
}

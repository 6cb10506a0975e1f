// What a Hugging Face folder's model does, from config.json (architectures, id2label, problem_type) and, for
// sentence-embedding models, sentence-transformers' modules.json and 1_Pooling/config.json.
import type { ValueSummary } from '@pare/onnx';
import type { Manifest } from '../manifest';
import type { FolderFiles } from './folderFiles';
import { folderGeneration } from './folderGeneration';

export type FolderTask = Pick<Manifest, 'task' | 'postprocess' | 'embedding' | 'generation'>;

const ARCHITECTURE_TASKS: Array<[RegExp, Manifest['task']]> = [
  [/ForSequenceClassification$/, 'text-classification'],
  [/ForTokenClassification$/, 'token-classification'],
  [/(ForCausalLM|LMHeadModel)$/, 'text-generation'],
  // A bare encoder (BertModel, XLMRobertaModel…), not a language-model head that also ends in "Model".
  [/^(?!.*(LMHead|CausalLM|MaskedLM|Generation|PreTraining)).*(Model|ForFeatureExtraction)$/, 'feature-extraction'],
];

/** id2label as a list in id order; transformers' own default names where the config has none. */
function labelsOf(config: Record<string, unknown>, width: number | undefined): string[] {
  const id2label = config['id2label'] as Record<string, string> | undefined;
  if (id2label && Object.keys(id2label).length > 0) {
    return Object.entries(id2label).sort(([a], [b]) => Number(a) - Number(b)).map(([, l]) => String(l));
  }
  return Array.from({ length: width ?? Number(config['num_labels'] ?? 2) }, (_, i) => `LABEL_${i}`);
}

async function pooling(files: FolderFiles): Promise<NonNullable<Manifest['embedding']>> {
  const modules = (await files.json('modules.json')) as unknown as Array<{ type?: string; path?: string }> | undefined;
  const poolingModule = modules?.find((m) => m.type?.endsWith('Pooling'));
  const normalize = modules?.some((m) => m.type?.endsWith('Normalize')) ?? false;
  const config = await files.json(poolingModule?.path ? `${poolingModule.path}/config.json` : '1_Pooling/config.json');
  if (!config) return { pooling: 'mean', normalize };
  const mode = config['pooling_mode_cls_token'] ? 'cls' : config['pooling_mode_max_tokens'] ? 'max' : config['pooling_mode_mean_tokens'] ? 'mean' : undefined;
  if (!mode) {
    const on = Object.entries(config).filter(([k, v]) => k.startsWith('pooling_mode') && v === true).map(([k]) => k);
    throw files.refuse('task_unsupported', poolingModule?.path ? `${poolingModule.path}/config.json` : '1_Pooling/config.json', on[0] ?? 'pooling_mode_*', `Pare pools by cls, mean or max tokens; this model asks for ${on.join(', ') || 'none'}.`);
  }
  return { pooling: mode, normalize };
}

export async function folderTask(files: FolderFiles, modelFile: string, config: Record<string, unknown>, inputs: readonly ValueSummary[], outputs: readonly ValueSummary[]): Promise<FolderTask> {
  const architectures = (config['architectures'] as string[] | undefined) ?? [];
  const isSentenceModel = files.has('modules.json') || files.has('1_Pooling/config.json');
  const found = ARCHITECTURE_TASKS.find(([re]) => architectures.some((a) => re.test(a)))?.[1];
  const task = isSentenceModel ? 'feature-extraction' : found;
  if (!task) {
    throw files.refuse('task_unsupported', 'config.json', 'architectures', `${architectures.join(', ') || '(none)'} is not a task Pare serves; it serves *ForSequenceClassification (text-classification), *ForTokenClassification (token-classification), *ForCausalLM and *LMHeadModel (text-generation) and *Model or sentence-transformers folders (feature-extraction).`);
  }
  if (task === 'text-generation') return { task, generation: await folderGeneration(files, modelFile, config, inputs, outputs) };
  if (task === 'feature-extraction') {
    const output = outputs.find((o) => ['last_hidden_state', 'token_embeddings'].includes(o.name)) ?? outputs[0]!;
    const pooled = output.shape?.length === 2;
    return { task, embedding: pooled ? { pooling: 'none', normalize: false, output: output.name } : { ...(await pooling(files)), output: output.name } };
  }
  const output = outputs.find((o) => o.name === 'logits') ?? outputs[0]!;
  const width = output.shape?.at(-1);
  const labels = labelsOf(config, typeof width === 'number' ? width : undefined);
  const problem = config['problem_type'];
  if (problem !== undefined && problem !== null && !['single_label_classification', 'multi_label_classification', 'regression'].includes(String(problem))) {
    throw files.refuse('task_unsupported', 'config.json', 'problem_type', `"${String(problem)}" is not one of single_label_classification, multi_label_classification, regression.`);
  }
  const activation = problem === 'multi_label_classification' ? 'sigmoid' : problem === 'regression' ? 'none' : 'softmax';
  return {
    task,
    postprocess: {
      labels, softmax: activation === 'softmax', activation, output: output.name,
      ...(task === 'token-classification' ? { aggregation: 'simple' as const } : {}),
    },
  };
}

// `pare compress <lm-folder> --max-perplexity-increase 5%`: how the fitter's candidates are judged. Each one's
// corpus perplexity on the user's texts (`--data texts.jsonl`), or, without them, on the built-in texts that
// fidelity is measured on for folders (../folder/textSamples.ts), which the report marks as not representative.
import { PareError } from '@pare/errors';
import { corpusPerplexity, HuggingFaceTokenizer } from '@pare/runtime';
import { nodeBackend } from '@pare/runtime/node';
import type { FolderCompressPlan } from '../folder/compressFolder';
import { BUILT_IN_TEXTS } from '../folder/textSamples';
import { readTextsFile } from '../eval/textsFile';

export interface PerplexityJudge {
  perplexity: (model: Uint8Array) => Promise<number>;
  /** What the texts were, for the report. */
  texts: { source: string; count: number; representative: boolean };
}

/** "5%" or "0.05" → 0.05. A bare number of 1 or more is refused: "5" is far more likely 5% than 500%. */
export function parsePerplexityIncrease(option: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(text);
  const value = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN;
  if (!m || !(value > 0) || (!m[2] && value >= 1)) {
    throw new PareError('option_invalid', `${option} takes a percentage such as 5% or a fraction such as 0.05 (greater than 0; write 150% for a fraction above 1); got "${text}".`);
  }
  return value;
}

export async function perplexityJudge(plan: FolderCompressPlan | undefined, dataFile: string | undefined): Promise<PerplexityJudge> {
  if (!plan || plan.sourceManifest.task !== 'text-generation') {
    throw new PareError('option_invalid', `--max-perplexity-increase needs a text-generation model folder (config.json, tokenizer.json, model.onnx)${plan ? `; this folder's task is ${plan.sourceManifest.task}` : ''}.`);
  }
  const texts = dataFile ? await readTextsFile(dataFile) : [...BUILT_IN_TEXTS];
  const tokenizer = new HuggingFaceTokenizer(plan.folder.tokenizer.json, plan.folder.tokenizer.spec);
  const manifest = plan.sourceManifest;
  return {
    perplexity: async (model) => {
      // onnxruntime-node, as the fitter's other measures: the chosen variant is then checked to load in wasm too.
      const session = await nodeBackend.createSession(model);
      try {
        return (await corpusPerplexity(manifest, tokenizer, session, texts)).perplexity;
      } finally {
        await session.release();
      }
    },
    texts: dataFile
      ? { source: dataFile, count: texts.length, representative: true }
      : { source: `the ${texts.length} built-in texts of pare (short mixed sentences; give --data texts.jsonl for text like the model's own)`, count: texts.length, representative: false },
  };
}

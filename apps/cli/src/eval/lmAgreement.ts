// `pare eval <lm-folder> --reference <lm-folder> --data <texts.jsonl>` for text-generation variants: both
// models' perplexity on the user's texts (corpus level: exp of minus the summed log-likelihood over the summed
// scored tokens) and their next-token top-1 agreement (the share of positions where both models' most
// probable next token is the same), each text tokenized with the source's tokenizer.json and scored by
// @pare/runtime's scoreTexts.
import { PareError } from '@pare/errors';
import { HuggingFaceTokenizer, scoreTexts, type InferenceBackend } from '@pare/runtime';
import { readModelFolder } from '@pare/runtime/folder';
import { folderManifest } from '../folder/folderManifest';

export interface LmAgreementReport {
  task: 'text-generation';
  texts: number;
  runtime: string;
  /** Tokens scored (every token of a text after its first). */
  tokens: number;
  referencePerplexity: number;
  candidatePerplexity: number;
  /** candidate / reference. */
  perplexityRatio: number;
  top1Agreement: number;
  truncated: number;
  maxLength: number;
}

export async function isLmFolder(dir: string): Promise<boolean> {
  return (await readModelFolder(dir)).fields.task === 'text-generation';
}

export async function lmAgreement(candidateDir: string, referenceDir: string, texts: readonly string[], backend: InferenceBackend, onProgress?: (done: number) => void): Promise<LmAgreementReport> {
  const [reference, candidate] = await Promise.all([readModelFolder(referenceDir), readModelFolder(candidateDir)]);
  const [refManifest, candManifest] = await Promise.all([folderManifest(reference), folderManifest(candidate)]);
  if (candManifest.task !== 'text-generation') throw new PareError('manifest_mismatch', `${candidateDir} is a ${candManifest.task} model but ${referenceDir} is text-generation.`);
  if (candidate.tokenizer.spec.sha256 !== reference.tokenizer.spec.sha256) {
    throw new PareError('manifest_mismatch', `${candidateDir}/tokenizer.json differs from ${referenceDir}/tokenizer.json: a compressed LM reads text as its source does.`);
  }
  const tokenizer = new HuggingFaceTokenizer(reference.tokenizer.json, reference.tokenizer.spec);
  const [refSession, candSession] = await Promise.all([backend.createSession(reference.modelBytes), backend.createSession(candidate.modelBytes)]);
  let refLl = 0, candLl = 0, tokens = 0, same = 0, truncated = 0;
  try {
    for (const [i, text] of texts.entries()) {
      const [r] = (await scoreTexts(refManifest, tokenizer, refSession, [text])).scores;
      const [c] = (await scoreTexts(candManifest, tokenizer, candSession, [text])).scores;
      refLl += r!.logLikelihood;
      candLl += c!.logLikelihood;
      tokens += r!.tokens;
      if (r!.truncated) truncated++;
      r!.predicted.forEach((id, t) => { if (c!.predicted[t] === id) same++; });
      onProgress?.(i + 1);
    }
  } finally {
    await Promise.all([refSession.release(), candSession.release()]);
  }
  if (tokens === 0) throw new PareError('dataset_invalid', 'No text has two tokens or more: nothing to score.');
  const referencePerplexity = Math.exp(-refLl / tokens);
  const candidatePerplexity = Math.exp(-candLl / tokens);
  return {
    task: 'text-generation', texts: texts.length, runtime: backend.name, tokens,
    referencePerplexity, candidatePerplexity, perplexityRatio: candidatePerplexity / referencePerplexity,
    top1Agreement: same / tokens, truncated, maxLength: tokenizer.maxLength,
  };
}

export function lmAgreementText(r: LmAgreementReport, candidate: string, reference: string): string {
  return [
    `${candidate} vs ${reference}: text-generation, ${r.texts} texts (${r.tokens.toLocaleString('en-US')} tokens scored), ${r.runtime}`,
    `  perplexity       ${r.candidatePerplexity.toFixed(3)} vs ${r.referencePerplexity.toFixed(3)} (×${r.perplexityRatio.toFixed(4)})`,
    `  top-1 agreement  ${(r.top1Agreement * 100).toFixed(2)}% of next-token predictions`,
    `  truncated        ${r.truncated} of ${r.texts} texts cut to ${r.maxLength} tokens`,
  ].join('\n');
}

// `pare eval <out-folder> --reference <folder> --data <texts.jsonl>`: how often a compressed variant answers
// the user's own texts as its source does, both tokenized with the source's tokenizer.json and answered by
// the task registry (@pare/runtime's runTextTask): the same label (the same label set for multi-label
// models), the same entities, or the cosine of the two embeddings.
import { PareError } from '@pare/errors';
import { HuggingFaceTokenizer, isTextTask, runTextTask, type InferenceBackend, type Manifest, type TextPrediction, type TokenEntities } from '@pare/runtime';
import { readModelFolder } from '@pare/runtime/folder';
import { folderManifest } from '../folder/folderManifest';

const BATCH = 16;

export interface AgreementReport {
  task: string;
  texts: number;
  runtime: string;
  /** Share of texts answered alike (labels or entities); absent for embeddings. */
  agreement?: number;
  /** Embeddings: mean and lowest cosine with the reference. */
  cosineMean?: number;
  cosineMin?: number;
  /** Classification: largest difference of one label's score. */
  maxScoreDelta?: number;
  /** Texts cut to the model's max length. */
  truncated: number;
  maxLength: number;
  /** Up to five texts answered differently, for a look. */
  disagreements: Array<{ text: string; reference: string; candidate: string }>;
}

const labelSet = (p: TextPrediction, multi: boolean) => (multi ? Object.entries(p.scores).filter(([, s]) => s >= 0.5).map(([l]) => l).sort().join('+') || '(none)' : p.label);
const entitySet = (e: TokenEntities) => e.map((x) => `${'entity_group' in x ? x.entity_group : x.entity}@${x.start}-${x.end}`).join(' ');

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i]! * b[i]!; na += a[i]! ** 2; nb += b[i]! ** 2; }
  return na === 0 || nb === 0 ? (na === nb ? 1 : 0) : dot / Math.sqrt(na * nb);
}

export async function folderAgreement(candidateDir: string, referenceDir: string, texts: readonly string[], backend: InferenceBackend, onProgress?: (done: number) => void): Promise<AgreementReport> {
  const [reference, candidate] = await Promise.all([readModelFolder(referenceDir), readModelFolder(candidateDir)]);
  const refManifest: Manifest = await folderManifest(reference);
  const candManifest: Manifest = await folderManifest(candidate);
  if (!isTextTask(refManifest.task)) throw new PareError('task_unsupported', `${referenceDir} is a ${refManifest.task} model; --data takes text models.`);
  if (candManifest.task !== refManifest.task) throw new PareError('manifest_mismatch', `${candidateDir} is a ${candManifest.task} model but ${referenceDir} is ${refManifest.task}.`);
  if (candidate.tokenizer.spec.sha256 !== reference.tokenizer.spec.sha256) {
    throw new PareError('manifest_mismatch', `${candidateDir}/tokenizer.json differs from ${referenceDir}/tokenizer.json (sha256 ${candidate.tokenizer.spec.sha256.slice(0, 12)}… vs ${reference.tokenizer.spec.sha256.slice(0, 12)}…): a compressed variant reads text as its source does.`);
  }
  const tokenizer = new HuggingFaceTokenizer(reference.tokenizer.json, reference.tokenizer.spec);
  const multi = refManifest.postprocess?.activation === 'sigmoid';
  const [refSession, candSession] = await Promise.all([backend.createSession(reference.modelBytes), backend.createSession(candidate.modelBytes)]);
  const report: AgreementReport = { task: refManifest.task, texts: texts.length, runtime: backend.name, truncated: 0, maxLength: tokenizer.maxLength, disagreements: [] };
  let same = 0, cosSum = 0, cosMin = 1, maxDelta = 0;
  try {
    for (let first = 0; first < texts.length; first += BATCH) {
      const batch = texts.slice(first, first + BATCH);
      const ref = await runTextTask(refManifest, tokenizer, refSession, batch);
      const cand = await runTextTask(candManifest, tokenizer, candSession, batch);
      report.truncated += ref.encoded.truncated.filter(Boolean).length;
      batch.forEach((text, i) => {
        const [r, c] = [ref.results[i]!, cand.results[i]!];
        if (refManifest.task === 'feature-extraction') {
          const cos = cosine(r as number[], c as number[]);
          cosSum += cos;
          cosMin = Math.min(cosMin, cos);
          return;
        }
        const [rs, cs] = refManifest.task === 'text-classification'
          ? [labelSet(r as TextPrediction, multi), labelSet(c as TextPrediction, multi)]
          : [entitySet(r as TokenEntities), entitySet(c as TokenEntities)];
        if (refManifest.task === 'text-classification') {
          const [rp, cp] = [r as TextPrediction, c as TextPrediction];
          for (const [label, score] of Object.entries(rp.scores)) maxDelta = Math.max(maxDelta, Math.abs(score - (cp.scores[label] ?? 0)));
        }
        if (rs === cs) same++;
        else if (report.disagreements.length < 5) report.disagreements.push({ text: text.slice(0, 120), reference: rs, candidate: cs });
      });
      onProgress?.(first + batch.length);
    }
  } finally {
    await Promise.all([refSession.release(), candSession.release()]);
  }
  if (refManifest.task === 'feature-extraction') return { ...report, cosineMean: cosSum / texts.length, cosineMin: cosMin };
  return { ...report, agreement: same / texts.length, ...(refManifest.task === 'text-classification' ? { maxScoreDelta: maxDelta } : {}) };
}

export function agreementText(r: AgreementReport, candidate: string, reference: string): string {
  const lines = [
    `${candidate} vs ${reference}: ${r.task}, ${r.texts} texts, ${r.runtime}`,
    ...(r.agreement !== undefined ? [`  agreement        ${(r.agreement * 100).toFixed(2)}% (${Math.round(r.agreement * r.texts)}/${r.texts} texts answered alike)`] : []),
    ...(r.maxScoreDelta !== undefined ? [`  max score delta  ${r.maxScoreDelta.toFixed(4)}`] : []),
    ...(r.cosineMean !== undefined ? [`  cosine           mean ${r.cosineMean.toFixed(6)}, min ${r.cosineMin!.toFixed(6)}`] : []),
    `  truncated        ${r.truncated} of ${r.texts} texts cut to ${r.maxLength} tokens`,
    ...r.disagreements.map((d) => `  ! ${JSON.stringify(d.text)}: ${d.reference} → ${d.candidate}`),
  ];
  return lines.join('\n');
}

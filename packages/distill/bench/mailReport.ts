import type { ClassifierMetrics } from '../src/train/metrics';

// bench-results/distill-mail.md: the default spam model's variants beside the TF-IDF baseline, with the figures
// the default model's targets name (hard-ham and ham false positives, at the shipped threshold too, and ECE).

export interface MailRow {
  model: string;
  /** 'subject-body': raw subject and undecoded body; 'mail': cleaned as a mail filter reads it. */
  text: 'subject-body' | 'mail';
  metrics: ClassifierMetrics;
  bytes: number;
  ece: number;
  /** At the manifest's threshold (variants that carry one). */
  at?: { accuracy: number; hamFpr: number; hardFpr: number };
  wasmMs?: number;
  speedup?: number;
}

const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)}%`;

export function mailMarkdown(rows: MailRow[], meta: { command: string; script: string; seconds: number; datasetChecksum: string; testExamples: number; hardHam: number; seed: number; temperature: number; alpha: number; machine: string; targetFpr: number; threshold: number; studentTemperature: number; agreement: number; teacherTokens: number; teacherTraining?: { validationAccuracy: number[]; bestEpoch: number } }): string {
  return [
    '# A spam filter on cleaned mail, against the TF-IDF baseline',
    '',
    `Reproduce: \`${meta.command}\` (this part alone: \`npx tsx ${meta.script}\`; ${meta.seconds.toFixed(0)} s on ${meta.machine}). SpamAssassin test split of ${meta.testExamples} emails (${meta.hardHam} hard ham), seed ${meta.seed}, dataset ${meta.datasetChecksum.slice(0, 19)}…. ` +
      '"raw" texts are the subject and the undecoded body; "mail" texts are cleaned as a mail filter must (MIME parts decoded, HTML as text, list tags, footers and reply marks out, head + tail): ' +
      'every variant is measured on the whole raw test mails, cleaned through its manifest (`preprocess.clean: "mail"`) as the edge cleans them, in onnxruntime-web. ' +
      `The students are distilled from the teacher (T=${meta.temperature}, alpha=${meta.alpha}, early stopping on validation accuracy), temperature-scaled on validation (T=${meta.studentTemperature.toFixed(3)}), ` +
      `threshold ${meta.threshold.toFixed(4)} on P(spam) chosen on validation for a ${pct(meta.targetFpr)} false-positive rate, stored in the manifest and applied by the edge. ECE: 15 bins of the top score. Latency: one median-length test email, onnxruntime-web wasm, one thread.`,
    '',
    '| model | text | accuracy | hard-ham FP | ham FP | at threshold: accuracy / ham FP / hard-ham FP | ECE | size | wasm ms | speed vs teacher |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.model} | ${r.text === 'mail' ? 'mail' : 'raw'} | ${pct(r.metrics.accuracy, 2)} | ${pct(r.metrics.hardHamFalsePositiveRate)} | ${pct(r.metrics.hamFalsePositiveRate, 2)} | ${r.at ? `${pct(r.at.accuracy, 2)} / ${pct(r.at.hamFpr, 2)} / ${pct(r.at.hardFpr)}` : '–'} | ${r.ece.toFixed(3)} | ${(r.bytes / 1024).toFixed(0)} KiB | ${r.wasmMs === undefined ? '–' : r.wasmMs.toFixed(3)} | ${r.speedup === undefined ? '–' : `${r.speedup.toFixed(1)}x`} |`),
    '',
    `The teacher reads the first ${meta.teacherTokens} WordPiece tokens of each cleaned mail` +
      (meta.teacherTraining ? `; validation accuracy by epoch ${meta.teacherTraining.validationAccuracy.map((a) => pct(a, 2)).join(', ')}, epoch ${meta.teacherTraining.bestEpoch + 1} kept.` : '.'),
    `Student agreement with the teacher on the test split: ${pct(meta.agreement, 2)} (labels weigh ${(1 - meta.alpha).toFixed(1)} of the loss).`,
    'TF-IDF size: float32 weights and idf plus its n-grams as UTF-8 lines.',
    '',
  ].join('\n');
}

import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { init } from '@jax-js/jax';
import { loadSpamAssassin } from '../src/data/spamAssassin';
import { encodeExamples } from '../src/data/encode';
import { DEFAULTS } from '../src/distill';
import { countParameters, TEACHER_SIZE, type EncoderConfig } from '../src/model/config';
import { initEncoder } from '../src/model/params';
import { trainWordPiece } from '../src/tokenizer/trainWordPiece';
import { classifierMetrics } from '../src/train/metrics';
import { predictLogits } from '../src/train/predict';
import { trainEncoder } from '../src/train/trainer';

// One teacher-only training run on cleaned mail (no student, no export, no latency), to compare teacher configs
// quickly. The config is chosen on validation accuracy; the test figures are printed for the report only.
//   npx tsx packages/distill/scripts/teacherRuns.ts --max-length 256 --epochs 6 --patience 2 --layers 3 [--log runs.jsonl]
const { values: a } = parseArgs({
  options: {
    'max-length': { type: 'string', default: String(DEFAULTS.maxLength) }, epochs: { type: 'string', default: String(DEFAULTS.teacherEpochs) },
    patience: { type: 'string' }, layers: { type: 'string' }, 'd-model': { type: 'string' }, 'ff-dim': { type: 'string' }, heads: { type: 'string' },
    lr: { type: 'string', default: String(DEFAULTS.learningRate) }, warmup: { type: 'string' }, dropout: { type: 'string' }, limit: { type: 'string' }, log: { type: 'string' },
  },
});
const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
const started = performance.now();
const say = (m: string) => process.stderr.write(`[teacher ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${m}\n`);
await init('wasm');
const data = loadSpamAssassin({ seed: DEFAULTS.seed, text: 'mail', limit: num(a.limit) });
const tokenizer = trainWordPiece(data.train.map((e) => e.text), { vocabSize: DEFAULTS.vocabSize, maxLength: Number(a['max-length']) });
const [train, val, test] = [encodeExamples(tokenizer, data.train), encodeExamples(tokenizer, data.val), encodeExamples(tokenizer, data.test)];
const L = tokenizer.maxLength;
const full = Array.from({ length: train.n }, (_, i) => train.mask.subarray(i * L, i * L + L).reduce((x, y) => x + y, 0)).filter((n) => n === L).length;
say(`${train.n} train / ${val.n} val / ${test.n} test; ${((100 * full) / train.n).toFixed(1)}% of training mails fill all ${L} tokens`);
const size = { ...TEACHER_SIZE, ...(a.layers ? { layers: Number(a.layers) } : {}), ...(a['d-model'] ? { dModel: Number(a['d-model']) } : {}), ...(a['ff-dim'] ? { ffDim: Number(a['ff-dim']) } : {}), ...(a.heads ? { heads: Number(a.heads) } : {}) };
const config: EncoderConfig = { vocabSize: tokenizer.vocab.length, maxLength: L, numLabels: 2, ...size };
const model = initEncoder(config, DEFAULTS.seed);
const r = await trainEncoder(model, train, {
  epochs: Number(a.epochs), batchSize: DEFAULTS.batchSize, learningRate: Number(a.lr), warmupSteps: num(a.warmup), tokenDropout: num(a.dropout), seed: DEFAULTS.seed,
  validation: val, patience: num(a.patience),
  onProgress: (p) => { if (p.step % 50 === 0) say(`step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)}`); },
});
const m = classifierMetrics(predictLogits(model, test), test);
const row = {
  config: { maxLength: L, ...size, epochs: Number(a.epochs), patience: num(a.patience), lr: Number(a.lr), warmup: num(a.warmup), dropout: num(a.dropout) },
  parameters: countParameters(config), validationAccuracy: r.validationAccuracy, bestEpoch: r.bestEpoch, stoppedEarly: r.stoppedEarly,
  bestValidationAccuracy: r.validationAccuracy![r.bestEpoch!], testAccuracy: m.accuracy, testHardHamFpr: m.hardHamFalsePositiveRate, testHamFpr: m.hamFalsePositiveRate, seconds: r.seconds,
};
say(JSON.stringify(row));
if (a.log) appendFileSync(a.log, JSON.stringify(row) + '\n');

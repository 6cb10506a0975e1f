// What the browser test puts behind the dashboard: a text model "spam" with three variants of different
// sizes and manifest accuracies (one of them dominated), deployed through the admin API, seven days of
// synthetic histograms and labelled feedback in D1, and a few real requests and feedback on top.
import { GraphBuilder, encodeModel } from '@pare/onnx';
import { variantManifest } from '@pare/runtime/manifest-builder';
import { seededRandom } from '../../../../infra/models/defaultMlp';
import { TINY_TEXT_MAX_LENGTH, TINY_TEXT_VOCAB } from '../../../../infra/models/textClassifier';

export const MODEL = 'spam';

/** The tiny text classifier, padded with an unused initializer so variants differ in size like real ones. */
function textClassifier(paddingFloats: number): Uint8Array {
  const random = seededRandom(7);
  const b = new GraphBuilder('spam');
  const ids = b.input('input_ids', 'int64', ['batch', TINY_TEXT_MAX_LENGTH]);
  const spammy = new Set(['free', 'money', 'win', 'now']);
  const table = b.initializer('embedding', 'float32', [TINY_TEXT_VOCAB.length, 4], TINY_TEXT_VOCAB.flatMap((w) => (spammy.has(w) ? [2, -1, random(), random()] : w.startsWith('[') ? [0, 0, 0, 0] : [-1, 2, random(), random()])));
  const mean = b.op('ReduceMean', [b.op('Gather', [table, ids])], { axes: [1], keepdims: 0 });
  const w = b.initializer('classifier.weight', 'float32', [4, 2], [-1, 1, 1, -1, 0, 0, 0, 0]);
  // The padding feeds a second, unused output so that ORT keeps it (an unconnected initializer is dropped).
  const pad = b.initializer('padding', 'float32', [paddingFloats], Float32Array.from({ length: paddingFloats }, () => random()));
  b.node('MatMul', [mean, w], { outputs: ['logits'] });
  b.node('Identity', [pad], { outputs: ['padding_out'] });
  b.output('logits', 'float32', ['batch', 2]);
  b.output('padding_out', 'float32', [paddingFloats]);
  return encodeModel(b.build());
}

const VARIANTS = [
  { variant: 'fp32', padding: 60_000, accuracy: 0.912, fidelity: 1, weight: 50 },
  { variant: 'int8', padding: 15_000, accuracy: 0.907, fidelity: 0.9991, weight: 50 },
  { variant: 'p50-fp32', padding: 40_000, accuracy: 0.861, fidelity: 0.97, weight: 0 },
] as const;

export async function deploySpamVariants(url: string, token: string): Promise<void> {
  for (const v of VARIANTS) {
    const bytes = textClassifier(v.padding);
    const manifest = await variantManifest(bytes, {
      model: MODEL,
      variant: v.variant,
      task: 'text-classification',
      parameters: v.padding + TINY_TEXT_VOCAB.length * 4 + 8,
      inputs: [{ name: 'input_ids', dtype: 'int64', shape: ['batch', TINY_TEXT_MAX_LENGTH] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 2] }, { name: 'padding_out', dtype: 'float32', shape: [v.padding] }],
      preprocess: { tokenizer: { kind: 'wordpiece', vocab: TINY_TEXT_VOCAB, maxLength: TINY_TEXT_MAX_LENGTH, clsToken: '[CLS]' }, idsInput: 'input_ids' },
      postprocess: { labels: ['ham', 'spam'], softmax: true, output: 'logits' },
      metrics: { accuracy: v.accuracy, fidelity: v.fidelity },
    });
    const form = new FormData();
    form.append('model', new Blob([new Uint8Array(bytes)]), 'model.onnx');
    form.append('manifest', JSON.stringify(manifest));
    const response = await fetch(`${url}/admin/models/${MODEL}/variants/${v.variant}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: form });
    if (!response.ok) throw new Error(`deploy ${v.variant}: ${response.status} ${await response.text()}`);
  }
  const weights = Object.fromEntries(VARIANTS.map((v) => [v.variant, v.weight]));
  const traffic = await fetch(`${url}/admin/models/${MODEL}/traffic`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ weights }) });
  if (!traffic.ok) throw new Error(`traffic: ${traffic.status} ${await traffic.text()}`);
}

/** Real requests through predict (and the metrics queue), with feedback on each: the live end of the data. */
export async function sendRealTraffic(url: string, requests: number): Promise<void> {
  const texts = ['win free money now', 'lunch meeting tomorrow', 'hello', 'free lunch'];
  for (let i = 0; i < requests; i++) {
    const text = texts[i % texts.length]!;
    const r = await fetch(`${url}/v1/models/${MODEL}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-pare-unit': `user-${i}` }, body: JSON.stringify({ text }) });
    if (!r.ok) throw new Error(`predict: ${r.status} ${await r.text()}`);
    const requestId = r.headers.get('x-pare-request-id');
    const label = text.includes('free') || text.includes('win') ? 'spam' : 'ham';
    const f = await fetch(`${url}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId, label }) });
    if (f.status !== 201) throw new Error(`feedback: ${f.status} ${await f.text()}`);
  }
}

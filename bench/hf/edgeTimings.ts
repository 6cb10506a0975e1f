// A fixture's variants on a local edge worker (workerd, the upload `wrangler deploy --dry-run` builds): each
// text sent as raw text, the answer kept for agreement, and the worker's own server-timing read back:
// `run` (session.run inside the isolate) and `tokenize` (tokenizer.json in workerd).
import { EdgeClient } from '@pare/clients';
import type { Manifest } from '@pare/runtime';
import type { LocalWorker } from '../../infra/localEdgeWorker';
import { serverTiming } from '../../apps/edge/bench/latencyStats';
import type { HfFixture } from './hfFixtures';

export interface EdgeRun {
  /** Median in-isolate session.run milliseconds per text. */
  inferMs: number;
  /** Tokenize milliseconds per text of one full row (maxLength tokens), median over batches of 32 texts not sent before (workerd's clock ticks in whole ms). */
  tokenizeFullRowMs: number;
  fullRows: number;
  /** The requests of full-row texts, and the in-isolate session.run milliseconds of each, repeated: a batch of 32
   * rows runs long enough for the whole-millisecond clock, and onnxruntime-web in Node runs the same batches. */
  batches: string[][];
  batchRunMs: number[];
  results: unknown[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : Number.NaN;
}

export async function edgeRun(worker: LocalWorker, fixture: HfFixture, variant: { name: string; bytes: Uint8Array; manifest: Manifest }, texts: readonly string[], fullRowTexts: readonly string[], rounds: number): Promise<EdgeRun> {
  const client = new EdgeClient({ endpoint: worker.url, token: worker.token });
  const model = fixture.name;
  await client.deployVariant({ model, variant: variant.name, bytes: variant.bytes, manifest: { ...variant.manifest, model, variant: variant.name }, tokenizer: fixture.tokenizerBytes });
  const embed = variant.manifest.task === 'feature-extraction';
  const send = (body: unknown) => fetch(`${worker.url}/v1/models/${model}/${embed ? 'embed' : 'predict'}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  // A kept-alive socket the worker closed during a pause answers ECONNRESET: send once more on a new one.
  const post = (body: unknown) => send(body).catch(() => send(body));
  const call = async (text: string) => {
    const response = await post(embed ? { texts: [text] } : { text });
    if (!response.ok) throw new Error(`edge answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as Record<string, unknown>;
    const timing = response.headers.get('server-timing');
    return { body, infer: serverTiming(timing, 'run') ?? Number.NaN };
  };
  // All traffic to the variant under test, so every request is served by it.
  await client.setTraffic(model, { [variant.name]: 100 });
  const results: unknown[] = [];
  for (const text of texts) {
    const { body } = await call(text);
    results.push(embed ? (body.embeddings as number[][])[0] : variant.manifest.task === 'token-classification' ? body.entities : { label: body.label, scores: body.scores });
  }
  const infer: number[] = [];
  for (let r = 0; r < rounds; r++) for (const text of texts) infer.push((await call(text)).infer);
  // Requests of 32 full-row texts each, every batch of texts never sent before (words repeat across texts, as in
  // real traffic, but no text is tokenized twice): the per-text tokenize time of a batch is a figure the clock resolves.
  const perText: number[] = [];
  const batches: string[][] = [];
  const BATCH = 32;
  for (let at = 0; at + BATCH <= fullRowTexts.length; at += BATCH) {
    const batch = fullRowTexts.slice(at, at + BATCH);
    const response = await post({ texts: batch });
    await response.arrayBuffer();
    perText.push((serverTiming(response.headers.get('server-timing'), 'tokenize') ?? Number.NaN) / batch.length);
    batches.push(batch);
  }
  const batchRunMs: number[] = [];
  for (let r = 0; r < Math.max(5, rounds * 5); r++) {
    for (const batch of batches) {
      const response = await post({ texts: batch });
      await response.arrayBuffer();
      batchRunMs.push(serverTiming(response.headers.get('server-timing'), 'run') ?? Number.NaN);
    }
  }
  return { inferMs: median(infer), tokenizeFullRowMs: median(perText), fullRows: perText.length * BATCH, batches, batchRunMs: [median(batchRunMs)], results };
}

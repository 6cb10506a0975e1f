// A hashed n-gram bag student at the edge: the hashed-ngrams tokenizer kind travels in the manifest and the
// worker makes the ids itself; a manifest threshold decides the label, not the top score; a manifest that says
// preprocess.clean "mail" has raw mails read as a mail filter reads them.
import { filterText } from '@pare/runtime';
import { describe, expect, it } from 'vitest';
import { admin, call, deployFixture, fixtureBytes, fixtureManifest, postJson, variantForm } from './helpers';

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

describe('a hashed n-gram variant', () => {
  it('tokenizes in the worker and answers each text as the rows say', async () => {
    await deployFixture('bag', 'bag-model', 'v1');
    const body = await json(await postJson('/v1/models/bag-model/predict', { texts: ['WIN free money now', 'lunch tomorrow?', 'free lunch'] }));
    expect(body.results.map((r: { label: string }) => r.label)).toEqual(['spam', 'ham', 'ham']);
    // "free lunch": one spam row [0, 2] and one ham row [2, 0]: a tie.
    expect(body.results[2].scores.spam).toBeCloseTo(0.5, 5);
  });

  it('refuses ids outside its buckets sent as tensors with 400, and stays healthy', async () => {
    await deployFixture('bag', 'bag-oov', 'v1');
    const buckets = (fixtureManifest('bag', 'bag-oov', 'v1').preprocess as { tokenizer: { buckets: number } }).tokenizer.buckets;
    const oip = (id: number) => postJson('/v2/models/bag-oov/infer', { inputs: [{ name: 'input_ids', shape: [1, 2], datatype: 'INT64', data: [1, id] }, { name: 'attention_mask', shape: [1, 2], datatype: 'INT64', data: [1, 1] }] });
    for (let i = 0; i < 4; i++) {
      const refused = await oip(buckets);
      expect(refused.status).toBe(400);
      // OIP's error shape: { error: message }.
      expect((await json(refused)).error).toContain(`vocabulary of ${buckets} ids`);
    }
    expect((await oip(buckets - 1)).status).toBe(200);
    const models = await json(await call('/v1/models'));
    expect(models.models.find((m: { name: string }) => m.name === 'bag-oov').variants[0].status).toBe('healthy');
  });

  it('answers the positive label only at or above the manifest threshold', async () => {
    const manifest = fixtureManifest('bag', 'bag-threshold', 'v1');
    manifest.postprocess = { ...(manifest.postprocess as Record<string, unknown>), threshold: { label: 'spam', score: 0.85 } };
    const put = await admin('/admin/models/bag-threshold/variants/v1', { method: 'PUT', body: variantForm(fixtureBytes('bag'), manifest) });
    expect(put.status).toBe(201);
    // "win free money lunch": mean [0.5, 1.5] → P(spam) = 0.73, under 0.85; four spam words: 0.88, over it.
    const body = await json(await postJson('/v1/models/bag-threshold/predict', { texts: ['win free money lunch', 'WIN free money now'] }));
    expect(body.results[0].scores.spam).toBeCloseTo(1 / (1 + Math.exp(-1)), 5);
    expect(body.results.map((r: { label: string }) => r.label)).toEqual(['ham', 'spam']);
  });

  it('reads a raw MIME mail as its cleaned text when the manifest says preprocess.clean "mail"', async () => {
    const html = '<html><body><p>WIN <b>free</b> money</p><p>now</p></body></html>';
    const mail = ['From: desk@example.com', 'Subject: Re: [list] free money', 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64', '', btoa(html), ''].join('\r\n');
    const manifest = fixtureManifest('bag', 'bag-mail', 'v1');
    manifest.preprocess = { ...(manifest.preprocess as Record<string, unknown>), clean: 'mail' };
    const put = await admin('/admin/models/bag-mail/variants/v1', { method: 'PUT', body: variantForm(fixtureBytes('bag'), manifest) });
    expect(put.status).toBe(201);
    const cleaned = filterText(mail);
    expect(cleaned).toBe('free money\n\nWIN free money\nnow');
    const body = await json(await postJson('/v1/models/bag-mail/predict', { texts: [mail, cleaned] }));
    expect(body.results[0]).toEqual(body.results[1]);
    expect(body.results[0].label).toBe('spam');
    // The same bytes without the field read the base64 and the headers as words: ham.
    await deployFixture('bag', 'bag-raw', 'v1');
    const raw = await json(await postJson('/v1/models/bag-raw/predict', { texts: [mail] }));
    expect(raw.results[0].label).toBe('ham');
  });
});

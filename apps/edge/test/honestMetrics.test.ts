// What the metrics say about a model must be what happened: client errors apart from failures, requests that
// chose their variant apart from the A/B, outages of the whole model visible, and one stored event per answer.
import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { call, dashboardSession, deployFixture, eventually, MLP_INPUT, postJson, setTraffic } from './helpers';

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

async function eventCount(model: string): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM inference_events WHERE model = ?').bind(model).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Wait until D1 has `n` events of the model and has folded them into the histograms. */
async function stored(model: string, n: number): Promise<void> {
  await eventually(async () => {
    const row = await env.DB.prepare('SELECT count(*) AS n, sum(folded) AS f FROM inference_events WHERE model = ?').bind(model).first<{ n: number; f: number }>();
    return row && row.n >= n && row.f === row.n ? true : undefined;
  });
}

const oipInput = { inputs: [{ name: 'input', shape: [1, 8], datatype: 'FP32', data: MLP_INPUT[0] }] };

describe('client errors', () => {
  it('are counted apart from the variant errors in /stats and /metrics', async () => {
    const model = 'honest-4xx';
    await deployFixture('mlpSmall', model, 'only', 100);
    for (let i = 0; i < 3; i++) expect((await postJson(`/v1/models/${model}/predict`, { inputs: { input: MLP_INPUT } })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await postJson(`/v1/models/${model}/predict`, { inputs: { input: [[1]] } })).status).toBe(400);
    await stored(model, 8);
    const [only] = (await json(await call(`/v1/models/${model}/stats?window=15m`))).variants;
    expect(only).toMatchObject({ variant: 'only', count: 8, errors: 0, clientErrors: 5, errorRate: 0, pinned: 0 });
    const text = await (await call('/metrics')).text();
    expect(text).toContain(`pare_inference_requests_total{model="${model}",variant="only",code="4xx"} 5`);
    expect(text).toContain(`pare_inference_requests_total{model="${model}",variant="only",code="5xx"} 0`);
    expect(text).toContain(`pare_inference_requests_total{model="${model}",variant="only",code="2xx"} 3`);
  });
});

describe('a request that pins its variant', () => {
  it('is served and counted as pinned, and left out of the A/B comparison', async () => {
    const model = 'honest-pinned';
    await deployFixture('mlp', model, 'big');
    await deployFixture('mlpSmall', model, 'small');
    expect((await setTraffic(model, { big: 50, small: 50 })).status).toBe(200);
    const assigned: Record<string, number> = { big: 0, small: 0 };
    for (let i = 0; i < 12; i++) {
      const response = await postJson(`/v1/models/${model}/predict`, { inputs: { input: MLP_INPUT } }, { 'x-pare-unit': `p${i}` });
      assigned[response.headers.get('x-pare-variant')!]!++;
    }
    // Someone addressing one variant directly (OIP versions route), as a client trying to tilt the comparison would.
    const pinned = 9;
    for (let i = 0; i < pinned; i++) expect((await postJson(`/v2/models/${model}/versions/small/infer`, oipInput)).status).toBe(200);
    await stored(model, 12 + pinned);

    const rows = await env.DB.prepare('SELECT variant, pinned, count(*) AS n FROM inference_events WHERE model = ? GROUP BY 1, 2 ORDER BY 1, 2').bind(model).all<{ variant: string; pinned: number; n: number }>();
    expect(rows.results.filter((r) => r.pinned === 1)).toEqual([{ variant: 'small', pinned: 1, n: pinned }]);

    const stats = await json(await call(`/v1/models/${model}/stats?window=15m`));
    const small = stats.variants.find((v: { variant: string }) => v.variant === 'small');
    expect(small).toMatchObject({ count: assigned.small! + pinned, pinned });
    const ab = await json(await call(`/v1/models/${model}/ab?a=big&b=small&window=15m`));
    expect(ab.report.a.requests).toBe(assigned.big);
    expect(ab.report.b.requests).toBe(assigned.small);
    expect(await (await call('/metrics')).text()).toContain(`pare_inference_pinned_requests_total{model="${model}",variant="small"} ${pinned}`);
  });
});

describe('a model with no healthy variant', () => {
  it('shows its unserved requests in /stats, /metrics and the dashboard', async () => {
    const model = 'honest-outage';
    await deployFixture('mlpSmall', model, 'only', 100);
    // The only variant's stored bytes go bad: it is marked unhealthy and nothing is left to serve the model.
    const key = `models/${model}/only/model.onnx`;
    const bytes = new Uint8Array(await (await env.MODELS.get(key))!.arrayBuffer());
    bytes[bytes.length >> 1]! ^= 0xff;
    await env.MODELS.put(key, bytes);
    const outage = 4;
    for (let i = 0; i < outage; i++) {
      const response = await postJson(`/v1/models/${model}/predict`, { inputs: { input: MLP_INPUT } });
      expect(response.status).toBe(503);
      expect((await json(response)).error.code).toBe('no_healthy_variant');
    }
    // One variant_unavailable event (the load that failed) and one unserved event per request.
    await stored(model, outage + 1);

    const stats = await json(await call(`/v1/models/${model}/stats?window=15m`));
    expect(stats.unserved).toEqual({ requests: outage });
    expect(stats.variants.map((v: { variant: string }) => v.variant)).toEqual(['only']);
    const text = await (await call('/metrics')).text();
    expect(text).toContain(`pare_inference_unserved_requests_total{model="${model}"} ${outage}`);
    expect(text).toContain(`pare_variant_healthy{model="${model}",variant="only"} 0`);

    const session = await dashboardSession();
    const data = await json(await call('/dashboard/data?window=15m', { headers: { cookie: session } }));
    expect(data.models.find((m: { name: string }) => m.name === model).unservedRequests).toBe(outage);
    const page = await (await call('/dashboard?window=15m', { headers: { cookie: session } })).text();
    const section = page.slice(page.indexOf(`data-model="${model}"`));
    expect(section).toMatch(new RegExp(`<p class="outage" data-field="unserved" >${outage} requests in this window found no healthy variant`));
  });
});

describe('metric events', () => {
  it('are in the queue when the response is returned: as many stored as requests answered, whatever the status', async () => {
    const model = 'honest-count';
    await deployFixture('mlpSmall', model, 'only', 100);
    const bodies = [
      ...Array.from({ length: 40 }, () => ({ inputs: { input: MLP_INPUT } })),
      ...Array.from({ length: 10 }, () => ({ inputs: { input: [[1]] } })),
      ...Array.from({ length: 10 }, () => ({ nothing: true })),
    ];
    const responses = await Promise.all(bodies.map((body, i) => postJson(`/v1/models/${model}/predict`, body, { 'x-pare-unit': `c${i}` })));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(40);
    expect(responses.filter((r) => r.status === 400)).toHaveLength(20);
    await stored(model, bodies.length);
    // At-least-once delivery must not double-count: give redeliveries a moment, then count exactly.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await eventCount(model)).toBe(bodies.length);
    expect(await (await call('/metrics')).text()).toMatch(/^pare_metric_events_lost_total 0$/m);
  });
});

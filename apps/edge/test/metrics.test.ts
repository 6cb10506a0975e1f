import { describe, expect, it, vi } from 'vitest';
import { env } from 'cloudflare:workers';
import { createDb, readVariantStats, recordInferenceEvents, type InferenceEvent } from '@pare/db';
import { call, deployFixture, eventually, MLP_INPUT, postJson, setTraffic } from './helpers';
import { tailLatenciesOf, handleTail } from '../src/metrics/tailHandler';
import { DEFAULT_TAIL_LOG_SAMPLE_RATE, logTailMarker, tailSampleRate } from '../src/metrics/tailMarker';

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

async function eventCount(model: string): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM inference_events WHERE model = ?').bind(model).first<{ n: number }>();
  return row?.n ?? 0;
}

describe('metric events through the queue', () => {
  const MODEL = 'metrics-model';

  it('reach D1 with one event per request, folded into the histograms, read back by /stats and /metrics', async () => {
    await deployFixture('mlp', MODEL, 'a');
    await deployFixture('mlpSmall', MODEL, 'b');
    await setTraffic(MODEL, { a: 50, b: 50 });
    const sent: Record<string, number> = { a: 0, b: 0 };
    const good = 30;
    for (let i = 0; i < good; i++) {
      const response = await postJson(`/v1/models/${MODEL}/predict`, { inputs: { input: MLP_INPUT } }, { 'x-pare-unit': `u${i}` });
      sent[response.headers.get('x-pare-variant')!]!++;
    }
    const bad = 4;
    for (let i = 0; i < bad; i++) await postJson(`/v1/models/${MODEL}/predict`, { inputs: { input: [[1]] } }, { 'x-pare-unit': 'u0' });

    await eventually(async () => ((await eventCount(MODEL)) >= good + bad ? true : undefined));
    // At-least-once delivery must not double-count: give redeliveries a moment, then count exactly.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await eventCount(MODEL)).toBe(good + bad);

    const histogramTotal = await env.DB.prepare("SELECT sum(count) AS n, sum(errors) AS e FROM latency_histograms WHERE model = ? AND source = 'isolate'").bind(MODEL).first<{ n: number; e: number }>();
    // The bad requests are client errors (400): counted as requests, never as the variant's errors.
    expect(histogramTotal).toEqual({ n: good + bad, e: 0 });
    const clientErrors = await env.DB.prepare('SELECT count(*) AS n FROM inference_events WHERE model = ? AND status = 400').bind(MODEL).first<{ n: number }>();
    expect(clientErrors?.n).toBe(bad);

    const stats = await json(await call(`/v1/models/${MODEL}/stats?window=15m`));
    expect(stats.window).toBe('15m');
    const byVariant = Object.fromEntries(stats.variants.map((v: { variant: string }) => [v.variant, v]));
    const unitZero = (await postJson(`/v1/models/${MODEL}/predict`, { inputs: { input: MLP_INPUT } }, { 'x-pare-unit': 'u0' })).headers.get('x-pare-variant')!;
    for (const v of ['a', 'b']) {
      const expectedCount = sent[v]! + (v === unitZero ? bad : 0);
      expect(byVariant[v].count).toBe(expectedCount);
      expect(byVariant[v].errors).toBe(0);
      expect(byVariant[v].clientErrors).toBe(v === unitZero ? bad : 0);
      expect(byVariant[v].p50Ms).toBeGreaterThanOrEqual(0);
      expect(byVariant[v].p99Ms).toBeGreaterThanOrEqual(byVariant[v].p50Ms);
    }

    const metrics = await call('/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain; version=0.0.4/);
    const text = await metrics.text();
    // Cumulative: the 4xx are the caller's, on the variant unit u0 was assigned to.
    for (const v of ['a', 'b']) {
      const clientErrors = v === unitZero ? bad : 0;
      expect(text).toContain(`pare_inference_requests_total{model="${MODEL}",variant="${v}",code="2xx"} ${byVariant[v].count - clientErrors}`);
      expect(text).toContain(`pare_inference_requests_total{model="${MODEL}",variant="${v}",code="4xx"} ${clientErrors}`);
      expect(text).toContain(`pare_inference_requests_total{model="${MODEL}",variant="${v}",code="5xx"} 0`);
      expect(text).toContain(`pare_inference_duration_seconds_count{model="${MODEL}",variant="${v}"} ${byVariant[v].count}`);
      expect(text).toContain(`pare_inference_duration_seconds_bucket{model="${MODEL}",variant="${v}",le="+Inf"} ${byVariant[v].count}`);
      expect(text).toMatch(new RegExp(`pare_inference_duration_seconds_sum\\{model="${MODEL}",variant="${v}"\\} [\\d.e-]+`));
      expect(text).toContain(`pare_variant_traffic_ratio{model="${MODEL}",variant="${v}"} 0.5`);
      expect(text).toContain(`pare_variant_healthy{model="${MODEL}",variant="${v}"} 1`);
    }
    expect(text).toMatch(new RegExp(`pare_variant_size_bytes\\{model="${MODEL}",variant="a"\\} \\d+`));
    expect(text).toContain(`pare_inference_duration_seconds_bucket{model="${MODEL}",variant="a",le="0.00075"}`);
    // A window is PromQL's business now: no window label, no quantile label, no abbreviated unit.
    expect(text).not.toMatch(/window=|quantile=|_ms\b/);
  });

  it('loses no event when many requests share one batch (over the 100-message sendBatch limit)', async () => {
    const model = 'burst-model';
    await deployFixture('mlpSmall', model, 'only');
    const n = 130;
    const responses = await Promise.all(Array.from({ length: n }, (_, i) => postJson(`/v1/models/${model}/predict`, { inputs: { input: MLP_INPUT } }, { 'x-pare-unit': `b${i}` })));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await eventually(async () => ((await eventCount(model)) >= n ? true : undefined));
    await new Promise((r) => setTimeout(r, 1500));
    expect(await eventCount(model)).toBe(n);
  });

  it('rejects an unknown stats window and an unknown model', async () => {
    expect((await call(`/v1/models/${MODEL}/stats?window=3w`)).status).toBe(400);
    expect((await call('/v1/models/nope/stats')).status).toBe(404);
    // /metrics is cumulative: a scrape config that still asks for a window is told so, not answered other numbers.
    const windowed = await call('/metrics?window=15m');
    expect(windowed.status).toBe(400);
    expect(((await windowed.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'window_invalid', message: expect.stringMatching(/cumulative.*rate\(/) });
  });

  it('rejects a window named after an Object.prototype member (not a window)', async () => {
    for (const window of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const stats = await call(`/v1/models/${MODEL}/stats?window=${window}`);
      expect(stats.status).toBe(400);
      expect(((await stats.json()) as { error: { code: string } }).error.code).toBe('window_invalid');
      expect((await call(`/metrics?window=${window}`)).status).toBe(400);
    }
  });
});

describe('recordInferenceEvents', () => {
  it('ignores a redelivered event and splits large batches within D1 parameter limits', async () => {
    const db = createDb(env.DB);
    const model = 'direct-model';
    const events: InferenceEvent[] = Array.from({ length: 100 }, (_, i) => ({
      eventId: `e${i}`, ts: Date.now(), model, variant: 'v', status: i < 10 ? 500 : 200, errorCode: i < 10 ? 'internal' : null, latencyMs: i, inputBytes: 10, unitBucket: i % 100, pinned: false,
    }));
    await recordInferenceEvents(db, events);
    await recordInferenceEvents(db, events.slice(0, 50));
    expect(await eventCount(model)).toBe(100);
    const [stats] = await readVariantStats(db, { model, sinceMs: Date.now() - 60_000 });
    expect(stats).toMatchObject({ count: 100, errors: 10, errorRate: 0.1 });
    // Latencies are 0..99 ms: the bucketed percentiles land near the true ones.
    expect(stats!.p50Ms).toBeGreaterThan(40);
    expect(stats!.p50Ms).toBeLessThan(60);
    expect(stats!.p99Ms).toBeGreaterThan(90);
    expect(stats!.p99Ms).toBeLessThanOrEqual(100);
  });
});

describe('Tail Worker handler', () => {
  it('folds cpuTime and wallTime of inference invocations into the tail histograms', async () => {
    const trace = (model: string, cpuTime: number, wallTime: number): TraceItem =>
      ({
        eventTimestamp: Date.now(), cpuTime, wallTime, outcome: 'ok', scriptName: 'pare-edge', exceptions: [], diagnosticsChannelEvents: [], truncated: false, executionModel: 'stateless',
        logs: [{ timestamp: Date.now(), level: 'log', message: [JSON.stringify({ 'pare.inference': { model, variant: 'v', status: 200 } })] }],
        event: null,
      }) as unknown as TraceItem;
    const items = [trace('tail-model', 3, 12), trace('tail-model', 4, 15), { ...trace('tail-model', 1, 1), logs: [] } as unknown as TraceItem];
    expect(tailLatenciesOf(items)).toHaveLength(2);
    await handleTail(items, env);
    const [cpu] = await readVariantStats(createDb(env.DB), { model: 'tail-model', sinceMs: Date.now() - 60_000, source: 'tail_cpu' });
    expect(cpu).toMatchObject({ count: 2, errors: 0 });
    expect(cpu!.p99Ms).toBeGreaterThan(3);
    expect(cpu!.p99Ms).toBeLessThanOrEqual(5);
  });

  it('gets its marker from a sample of the requests only, and reads the sampled line back', () => {
    expect(tailSampleRate({})).toBe(DEFAULT_TAIL_LOG_SAMPLE_RATE);
    expect(tailSampleRate({ TAIL_LOG_SAMPLE_RATE: '1' })).toBe(1);
    for (const bad of ['-0.1', '2', 'often']) expect(tailSampleRate({ TAIL_LOG_SAMPLE_RATE: bad })).toBe(DEFAULT_TAIL_LOG_SAMPLE_RATE);
    const event = { model: 'sampled', variant: 'v', status: 200, errorCode: null, latencyMs: 1, inputBytes: 1, unitBucket: 0, pinned: false };
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      // Outside the sample (the draw is at or above the rate) and with sampling off: nothing on the console.
      logTailMarker({ TAIL_LOG_SAMPLE_RATE: '0.25' }, event, () => 0.25);
      logTailMarker({ TAIL_LOG_SAMPLE_RATE: '0' }, event, () => 0);
      expect(log).not.toHaveBeenCalled();
      logTailMarker({ TAIL_LOG_SAMPLE_RATE: '0.25' }, event, () => 0.1);
      expect(log).toHaveBeenCalledTimes(1);
      const line = log.mock.calls[0]![0] as string;
      const item = { eventTimestamp: Date.now(), cpuTime: 2, wallTime: 5, outcome: 'ok', logs: [{ timestamp: Date.now(), level: 'log', message: [line] }], event: null } as unknown as TraceItem;
      expect(tailLatenciesOf([item])).toMatchObject([{ model: 'sampled', variant: 'v', ok: true, cpuMs: 2, wallMs: 5 }]);
      expect(JSON.parse(line)).toMatchObject({ 'pare.inference': { sample: 0.25 } });
    } finally {
      log.mockRestore();
    }
  });
});

// GET /metrics' body with generation series (a generative model with traffic, one deployed but idle, a classifier
// beside them), as edgeExposition writes it, checked by `promtool check metrics`. The workerd suite
// (test/generationMetrics.test.ts) checks the same families against real generations; promtool runs only in Node.
import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKET_BOUNDS_MS, type CumulativeHistogram, type VariantRow } from '@pare/db';
import { checkMetrics, promtoolAvailable, promtoolTestName } from '@pare/prometheus/promtool';
import { edgeExposition } from '../../src/metrics/edgeExposition';

const counts = (at: Record<number, number>) => Array.from({ length: LATENCY_BUCKET_BOUNDS_MS.length + 1 }, (_, i) => at[i] ?? 0);
const histogram = (model: string, variant: string, at: Record<number, number>): CumulativeHistogram => ({ model, variant, counts: counts(at), errors: 0, clientErrors: 0, pinned: 0 });
const variant = (model: string, name: string): VariantRow => ({ model, name, sha256: '0'.repeat(64), bytes: 1000, manifest: '{}', r2Key: `models/${model}/${name}/model.onnx`, status: 'healthy', statusReason: null, statusChangedAt: null, createdAt: 0 });

function body(): string {
  return edgeExposition({
    isolate: [histogram('lm', 'fp32', { 14: 5, 15: 2 }), histogram('spam', 'int8', { 3: 9 })],
    tailCpu: [],
    ttft: [histogram('lm', 'fp32', { 11: 4, 12: 3 })],
    generatedTokens: [{ model: 'lm', variant: 'fp32', tokens: 91 }],
    generativeModels: new Set(['lm']),
    variants: [variant('lm', 'fp32'), variant('lm', 'q4'), variant('spam', 'int8')],
    weights: new Map<string, Record<string, number>>([['lm', { fp32: 100 }], ['spam', { int8: 100 }]]),
    metricEventsLost: 0,
  });
}

describe('generation series in GET /metrics', () => {
  it('has the TTFT histogram and the tokens counter, starting an idle generative variant at 0 and leaving other models out', () => {
    const text = body();
    expect(text).toContain('pare_generation_time_to_first_token_seconds_count{model="lm",variant="fp32"} 7');
    expect(text).toContain('pare_generation_time_to_first_token_seconds_bucket{model="lm",variant="fp32",le="0.01"} 4');
    expect(text).toContain('pare_generated_tokens_total{model="lm",variant="fp32"} 91');
    expect(text).toContain('pare_generated_tokens_total{model="lm",variant="q4"} 0');
    expect(text).not.toMatch(/pare_generat\w+\{model="spam"/);
  });

  it.skipIf(!promtoolAvailable())(promtoolTestName('passes promtool check metrics'), () => {
    expect(checkMetrics(body())).toEqual({ ok: true, output: '' });
  });
});

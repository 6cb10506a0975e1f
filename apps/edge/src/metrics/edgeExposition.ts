// What GET /metrics exposes, built from D1: cumulative request counters and latency histograms (the per-minute
// fixed-bucket histograms summed over all minutes, so every isolate's scrape gives the same monotonic series),
// and gauges of each variant's size, traffic weight and health. Windows are PromQL's job (rate, increase).
import { LATENCY_BUCKET_BOUNDS_MS, UNSERVED_VARIANT, type CumulativeHistogram, type GeneratedTokens, type VariantRow } from '@pare/db';
import { Exposition, type HistogramSample, type Sample } from '@pare/prometheus';

export interface EdgeFigures {
  isolate: readonly CumulativeHistogram[];
  tailCpu: readonly CumulativeHistogram[];
  /** Generations' time to first token ('ttft' histograms) and the tokens they made. */
  ttft: readonly CumulativeHistogram[];
  generatedTokens: readonly GeneratedTokens[];
  /** Models whose task is text-generation: their variants' generation series start at 0. */
  generativeModels: ReadonlySet<string>;
  variants: readonly VariantRow[];
  /** Model → its current weights (0..100). */
  weights: ReadonlyMap<string, Readonly<Record<string, number>>>;
  metricEventsLost: number;
}

/** Bucket bounds in seconds, rounded so that 0.75 ms reads 0.00075 and not a float's tail. */
const BOUNDS_SECONDS = LATENCY_BUCKET_BOUNDS_MS.map((ms) => Number((ms / 1000).toPrecision(6)));

/** D1 keeps bucket counts, not latencies: the sum counts each request at its bucket's midpoint (the overflow at the last bound). */
function estimatedSumSeconds(counts: readonly number[]): number {
  let sum = 0;
  counts.forEach((n, i) => {
    const upper = BOUNDS_SECONDS[Math.min(i, BOUNDS_SECONDS.length - 1)]!;
    const lower = i === 0 ? 0 : i >= BOUNDS_SECONDS.length ? upper : BOUNDS_SECONDS[i - 1]!;
    sum += n * ((lower + upper) / 2);
  });
  return Number(sum.toPrecision(12));
}

function histogramSamples(rows: readonly CumulativeHistogram[]): HistogramSample[] {
  return rows.map((h) => ({ labels: { model: h.model, variant: h.variant }, bounds: BOUNDS_SECONDS, counts: h.counts, sum: estimatedSumSeconds(h.counts) }));
}

const total = (counts: readonly number[]): number => counts.reduce((a, b) => a + b, 0);

export function edgeExposition(figures: EdgeFigures): string {
  const served = figures.isolate.filter((h) => h.variant !== UNSERVED_VARIANT);
  const byKey = new Map(served.map((h) => [`${h.model}\u0000${h.variant}`, h]));
  // A deployed variant that has not answered yet starts its series at 0, so rate() sees its first requests.
  const keys = [...new Set([...served.map((h) => `${h.model}\u0000${h.variant}`), ...figures.variants.map((v) => `${v.model}\u0000${v.name}`)])].sort();
  const requests: Sample[] = keys.flatMap((key) => {
    const [model, variant] = key.split('\u0000') as [string, string];
    const h = byKey.get(key);
    const all = h ? total(h.counts) : 0;
    const clientErrors = h?.clientErrors ?? 0;
    const errors = h?.errors ?? 0;
    return [
      { labels: { model, variant, code: '2xx' }, value: all - clientErrors - errors },
      { labels: { model, variant, code: '4xx' }, value: clientErrors },
      { labels: { model, variant, code: '5xx' }, value: errors },
    ];
  });
  const variantLabels = (v: VariantRow) => ({ model: v.model, variant: v.name });
  const generative = figures.variants.filter((v) => figures.generativeModels.has(v.model));
  const tokenKeys = [...new Set([...figures.generatedTokens.map((t) => `${t.model}\u0000${t.variant}`), ...generative.map((v) => `${v.model}\u0000${v.name}`)])].sort();
  const tokens: Sample[] = tokenKeys.map((key) => {
    const [model, variant] = key.split('\u0000') as [string, string];
    return { labels: { model, variant }, value: figures.generatedTokens.find((t) => t.model === model && t.variant === variant)?.tokens ?? 0 };
  });
  return new Exposition()
    .counter('pare_inference_requests_total', 'Inference requests answered by a variant, by status class (code: 2xx, 4xx the caller\'s mistake, 5xx the variant\'s failure).', requests)
    .counter(
      'pare_inference_pinned_requests_total',
      'Inference requests that chose their variant (OIP /versions/:variant): part of pare_inference_requests_total, left out of the A/B.',
      served.map((h) => ({ labels: { model: h.model, variant: h.variant }, value: h.pinned })),
    )
    .counter(
      'pare_inference_unserved_requests_total',
      'Inference requests of a model that no variant could serve (503 no_healthy_variant).',
      figures.isolate.filter((h) => h.variant === UNSERVED_VARIANT).map((h) => ({ labels: { model: h.model }, value: total(h.counts) })),
    )
    .histogram(
      'pare_inference_duration_seconds',
      'Inference request latency in the isolate, every status; from fixed-bucket histograms, so _sum counts each request at its bucket\'s midpoint.',
      histogramSamples(served),
    )
    .histogram(
      'pare_inference_cpu_seconds',
      'CPU time per inference request as the Tail Worker reports it; _sum counts each request at its bucket\'s midpoint.',
      histogramSamples(figures.tailCpu.filter((h) => h.variant !== UNSERVED_VARIANT)),
    )
    .histogram(
      'pare_generation_time_to_first_token_seconds',
      'Text generation: time from the request\'s generation start to its first token; _sum counts each generation at its bucket\'s midpoint.',
      histogramSamples(figures.ttft),
    )
    .counter('pare_generated_tokens_total', 'Text generation: new tokens made by the variant (rate() gives tokens per second).', tokens)
    .gauge('pare_variant_size_bytes', 'Size of the variant\'s model.onnx.', figures.variants.map((v) => ({ labels: variantLabels(v), value: v.bytes })))
    .gauge(
      'pare_variant_traffic_ratio',
      'Share of the model\'s assigned traffic the variant gets (its weight / 100).',
      figures.variants.map((v) => ({ labels: variantLabels(v), value: (figures.weights.get(v.model)?.[v.name] ?? 0) / 100 })),
    )
    .gauge('pare_variant_healthy', '1 while the variant is healthy (loads and runs), 0 once it has been marked unhealthy.', figures.variants.map((v) => ({ labels: variantLabels(v), value: v.status === 'healthy' ? 1 : 0 })))
    .counter('pare_metric_events_lost_total', 'Metric events this isolate gave up on after every send attempt failed (also logged).', [{ labels: {}, value: figures.metricEventsLost }])
    .text();
}

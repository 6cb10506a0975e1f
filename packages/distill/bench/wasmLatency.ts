import { createClassifierSession, toInt64, type ClassifierSession, type OrtBackend } from '../src/export/ortRun';

// Latency of classifier variants measured side by side: sessions are created first, then rounds alternate
// between the models so that a slow moment of the shared machine hits every model alike.

/** One row of ids and mask; a model may bring its own (the same text through another tokenizer). */
export interface LatencyInput { ids: ArrayLike<number>; mask: ArrayLike<number>; maxLength: number }

export interface LatencyResult { medianMs: number; meanMs: number; runs: number }

export async function measureLatencies(
  models: { name: string; bytes: Uint8Array; input?: LatencyInput }[],
  input: LatencyInput,
  o: { backend?: OrtBackend; rounds?: number; runsPerRound?: number; warmup?: number } = {},
): Promise<Record<string, LatencyResult>> {
  const backend = o.backend ?? 'web';
  const feeds = new Map(models.map((m) => { const x = m.input ?? input; return [m.name, { ids: toInt64(x.ids), mask: toInt64(x.mask), maxLength: x.maxLength }]; }));
  const sessions: [string, ClassifierSession][] = [];
  for (const m of models) sessions.push([m.name, await createClassifierSession(m.bytes, backend)]);
  const times = new Map<string, number[]>(models.map((m) => [m.name, []]));
  try {
    for (const [name, s] of sessions) { const f = feeds.get(name)!; for (let i = 0; i < (o.warmup ?? 10); i++) await s.run(f.ids, f.mask, 1, f.maxLength); }
    for (let r = 0; r < (o.rounds ?? 10); r++) {
      for (const [name, s] of sessions) {
        const f = feeds.get(name)!;
        for (let i = 0; i < (o.runsPerRound ?? 10); i++) {
          const t = performance.now();
          await s.run(f.ids, f.mask, 1, f.maxLength);
          times.get(name)!.push(performance.now() - t);
        }
      }
    }
  } finally {
    for (const [, s] of sessions) await s.release();
  }
  const out: Record<string, LatencyResult> = {};
  for (const [name, ts] of times) {
    const sorted = [...ts].sort((a, b) => a - b);
    out[name] = { medianMs: sorted[Math.floor(sorted.length / 2)]!, meanMs: ts.reduce((a, b) => a + b, 0) / ts.length, runs: ts.length };
  }
  return out;
}

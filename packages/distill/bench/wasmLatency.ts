import { createClassifierSession, toInt64, type ClassifierSession, type OrtBackend } from '../src/export/ortRun';

// Latency of classifier variants measured side by side: sessions are created first, then rounds alternate
// between the models so that a slow moment of the shared machine hits every model alike.

export interface LatencyResult { medianMs: number; meanMs: number; runs: number }

export async function measureLatencies(
  models: { name: string; bytes: Uint8Array }[],
  input: { ids: ArrayLike<number>; mask: ArrayLike<number>; maxLength: number },
  o: { backend?: OrtBackend; rounds?: number; runsPerRound?: number; warmup?: number } = {},
): Promise<Record<string, LatencyResult>> {
  const backend = o.backend ?? 'web';
  const ids = toInt64(input.ids), mask = toInt64(input.mask);
  const sessions: [string, ClassifierSession][] = [];
  for (const m of models) sessions.push([m.name, await createClassifierSession(m.bytes, backend)]);
  const times = new Map<string, number[]>(models.map((m) => [m.name, []]));
  try {
    for (const [, s] of sessions) for (let i = 0; i < (o.warmup ?? 10); i++) await s.run(ids, mask, 1, input.maxLength);
    for (let r = 0; r < (o.rounds ?? 10); r++) {
      for (const [name, s] of sessions) {
        for (let i = 0; i < (o.runsPerRound ?? 10); i++) {
          const t = performance.now();
          await s.run(ids, mask, 1, input.maxLength);
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

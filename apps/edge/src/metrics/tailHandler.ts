// Tail Worker handler: production Workers do not advance timers during computation, so in-isolate latency of
// pure CPU work reads near zero there. The trace of each invocation carries its real cpuTime and wallTime;
// the sampled inference log line (tailMarker.ts) says which model and variant it was. Folded into the
// 'tail_cpu' / 'tail_wall' histograms; invocations without the line (outside the sample) are skipped.
// Wire it with `tail_consumers` (see wrangler.toml).
import { createDb, recordTailLatencies, type TailLatency } from '@pare/db';
import type { Env } from '../env';
import { TAIL_LOG_MARKER } from './tailMarker';

interface InferenceLog {
  model: string;
  variant: string;
  status: number;
  pinned?: boolean;
  /** The fraction of requests that write the line (absent before sampling: every request). */
  sample?: number;
}

function inferenceLogOf(item: TraceItem): InferenceLog | undefined {
  for (const log of item.logs) {
    for (const part of log.message as unknown[]) {
      if (typeof part !== 'string' || !part.includes(TAIL_LOG_MARKER)) continue;
      try {
        const parsed = (JSON.parse(part) as Record<string, InferenceLog | undefined>)[TAIL_LOG_MARKER];
        if (parsed && typeof parsed.model === 'string' && typeof parsed.variant === 'string') return parsed;
      } catch {
        // not ours
      }
    }
  }
  return undefined;
}

export function tailLatenciesOf(items: readonly TraceItem[]): TailLatency[] {
  const out: TailLatency[] = [];
  for (const item of items) {
    const log = inferenceLogOf(item);
    if (!log) continue;
    const completed = item.outcome === 'ok';
    out.push({
      ts: item.eventTimestamp ?? Date.now(), model: log.model, variant: log.variant, pinned: log.pinned === true,
      ok: completed && log.status < 400, clientError: completed && log.status >= 400 && log.status < 500, cpuMs: item.cpuTime ?? 0, wallMs: item.wallTime ?? 0,
    });
  }
  return out;
}

export async function handleTail(items: TraceItem[], env: Env): Promise<void> {
  await recordTailLatencies(createDb(env.DB), tailLatenciesOf(items));
}

// The line that lets the Tail Worker handler (tailHandler.ts) attribute an invocation's cpuTime and wallTime to
// the variant that answered. The trace carries the request's URL and the response status but neither the
// response's headers nor the assignment, so the variant has to come from a log line. A line on every request
// cost about 1 ms of relay work each and capped throughput, so only a uniform random sample of requests writes
// one (TAIL_LOG_SAMPLE_RATE, default 1 in 20). The tail histograms are then that sample: their percentiles and
// means estimate every request's, their counts are the requests' × the rate written in each line.
import type { Env } from '../env';
import type { NewInferenceEvent } from './sendMetricEvent';

export const TAIL_LOG_MARKER = 'pare.inference';
export const DEFAULT_TAIL_LOG_SAMPLE_RATE = 0.05;

/** The configured fraction of inference requests that write the marker line (0 to 1). */
export function tailSampleRate(env: Pick<Env, 'TAIL_LOG_SAMPLE_RATE'>): number {
  const raw = env.TAIL_LOG_SAMPLE_RATE;
  const n = Number(raw);
  return raw !== undefined && raw !== '' && Number.isFinite(n) && n >= 0 && n <= 1 ? n : DEFAULT_TAIL_LOG_SAMPLE_RATE;
}

/** Write the marker for the event that answered a request, if the request falls in the sample. */
export function logTailMarker(env: Pick<Env, 'TAIL_LOG_SAMPLE_RATE'>, event: NewInferenceEvent | undefined, random: () => number = Math.random): void {
  const rate = tailSampleRate(env);
  if (!event || rate === 0 || random() >= rate) return;
  console.log(JSON.stringify({ [TAIL_LOG_MARKER]: { model: event.model, variant: event.variant, status: event.status, pinned: event.pinned, sample: rate } }));
}

// The producer side of the metrics pipeline: an event per inference goes to the queue via waitUntil (batched
// with the isolate's other events, metricBuffer.ts), so the response never waits for the queue or D1. A log
// line lets the Tail Worker handler match the invocation's CPU and wall time to the variant (tailHandler.ts).
import type { InferenceEvent } from '@pare/db';
import type { Env } from '../env';
import type { MetricMessage } from './metricMessage';
import { bufferMetric } from './metricBuffer';

export const TAIL_LOG_MARKER = 'pare.inference';

export function sendMetricEvent(env: Env, ctx: Pick<ExecutionContext, 'waitUntil'>, event: Omit<InferenceEvent, 'eventId' | 'ts'>): void {
  const message: MetricMessage = { kind: 'inference', event: { ...event, eventId: crypto.randomUUID(), ts: Date.now() } };
  console.log(JSON.stringify({ [TAIL_LOG_MARKER]: { model: event.model, variant: event.variant, status: event.status } }));
  const flushing = bufferMetric(env.METRICS, message);
  if (flushing) ctx.waitUntil(flushing);
}

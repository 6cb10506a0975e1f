// The producer side of the metrics pipeline: a request's events go to the queue before its response is returned
// (serveInference awaits the send), so an answered request's event is in the queue even if the isolate is gone
// the next moment; nothing waits in this isolate's memory. The response never waits for D1 (the consumer writes).
// A log line per event lets the Tail Worker handler match the invocation's CPU and wall time to the variant
// (tailHandler.ts).
import type { InferenceEvent } from '@pare/db';
import type { Env } from '../env';
import type { MetricMessage } from './metricMessage';
import { sendWithRetry } from './sendWithRetry';

export const TAIL_LOG_MARKER = 'pare.inference';

export type NewInferenceEvent = Omit<InferenceEvent, 'eventId' | 'ts'>;

/** Send a request's events in one queue operation; resolves once the queue has them (or they were counted lost). */
export async function sendMetricEvents(env: Pick<Env, 'METRICS'>, events: readonly NewInferenceEvent[]): Promise<void> {
  const messages = events.map((event): MetricMessage => {
    console.log(JSON.stringify({ [TAIL_LOG_MARKER]: { model: event.model, variant: event.variant, status: event.status, pinned: event.pinned } }));
    return { kind: 'inference', event: { ...event, eventId: crypto.randomUUID(), ts: Date.now() } };
  });
  await sendWithRetry(env.METRICS, messages);
}

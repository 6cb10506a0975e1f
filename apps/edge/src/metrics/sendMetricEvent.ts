// The producer side of the metrics pipeline: a request's events go to the queue before its response is returned
// (serveInference awaits the send), so an answered request's event is in the queue even if the isolate is gone
// the next moment; nothing waits in this isolate's memory. The response never waits for D1 (the consumer writes).
// A sampled log line lets the Tail Worker handler match the invocation's CPU and wall time to the variant
// (tailMarker.ts); the other requests write nothing to the console.
import type { InferenceEvent } from '@pare/db';
import type { Env } from '../env';
import type { MetricMessage } from './metricMessage';
import { sendWithRetry } from './sendWithRetry';
import { logTailMarker } from './tailMarker';

export type NewInferenceEvent = Omit<InferenceEvent, 'eventId' | 'ts'>;

/** Send a request's events in one queue operation; resolves once the queue has them (or they were counted lost). */
export async function sendMetricEvents(env: Pick<Env, 'METRICS' | 'TAIL_LOG_SAMPLE_RATE'>, events: readonly NewInferenceEvent[]): Promise<void> {
  const ts = Date.now();
  const messages = events.map((event): MetricMessage => ({ kind: 'inference', event: { ...event, eventId: crypto.randomUUID(), ts } }));
  // The invocation's CPU time belongs to the variant that answered (or last failed): the request's last event.
  logTailMarker(env, events[events.length - 1]);
  await sendWithRetry(env.METRICS, messages);
}

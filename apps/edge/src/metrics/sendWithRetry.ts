// Sending metric messages to the queue, retried: a send that fails (seen locally under load: "Unknown Internal
// Error (15000)") is tried again with back-off before its events are given up; a loss is counted and logged.
import type { MetricMessage } from './metricMessage';

/** Attempts per send and the first back-off. */
const SEND_ATTEMPTS = 5;
const RETRY_BASE_MS = 20;

/** The part of a queue binding the sender uses. */
export interface MetricQueue {
  sendBatch(messages: Iterable<MessageSendRequest<MetricMessage>>): Promise<unknown>;
}

let lost = 0;

/** Metric events this isolate gave up on since it started (every attempt failed); `GET /metrics` shows it. */
export function metricEventsLost(): number {
  return lost;
}

/** Send one batch, retrying with exponential back-off; only after the last attempt are the events reported lost. */
export async function sendWithRetry(queue: MetricQueue, messages: MetricMessage[], attempts = SEND_ATTEMPTS, baseMs = RETRY_BASE_MS): Promise<boolean> {
  if (messages.length === 0) return true;
  for (let attempt = 1; ; attempt++) {
    try {
      await queue.sendBatch(messages.map((body) => ({ body, contentType: 'json' as const })));
      return true;
    } catch (e) {
      if (attempt >= attempts) {
        lost += messages.length;
        console.error(`pare-edge: ${messages.length} metric events lost after ${attempts} attempts (${lost} in this isolate): ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
      await new Promise((r) => setTimeout(r, baseMs * 2 ** (attempt - 1)));
    }
  }
}

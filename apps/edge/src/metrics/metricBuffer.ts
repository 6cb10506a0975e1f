// Metric events of an isolate are sent to the queue in small batches: the first event of a batch schedules a
// flush FLUSH_DELAY_MS later inside its own request's waitUntil (which keeps the isolate alive until the
// batch is sent); events of requests arriving meanwhile join that batch. One queue operation then carries
// many events (cheaper, and off the hot path of the requests that joined), and no event waits more than a
// few milliseconds. A batch that reaches MAX_BATCH is sent at once.
import type { MetricMessage } from './metricMessage';

const FLUSH_DELAY_MS = 25;
/** Queues accept at most 100 messages per sendBatch. */
const MAX_BATCH = 100;

interface PendingBatch {
  messages: MetricMessage[];
  queue: Queue<MetricMessage>;
}

let pending: PendingBatch | undefined;

/** Attempts per batch and the first back-off: a send that fails (seen locally under load: "Unknown Internal
 * Error (15000)") is tried again inside the same waitUntil rather than dropped. */
const SEND_ATTEMPTS = 5;
const RETRY_BASE_MS = 20;

/** The part of a queue binding the sender uses. */
export interface MetricQueue {
  sendBatch(messages: Iterable<MessageSendRequest<MetricMessage>>): Promise<unknown>;
}

/** Send one batch, retrying with exponential back-off; only after the last attempt are the events reported lost. */
export async function sendWithRetry(queue: MetricQueue, messages: MetricMessage[], attempts = SEND_ATTEMPTS, baseMs = RETRY_BASE_MS): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await queue.sendBatch(messages.map((body) => ({ body, contentType: 'json' as const })));
      return true;
    } catch (e) {
      if (attempt >= attempts) {
        console.error(`pare: ${messages.length} metric events lost after ${attempts} attempts: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
      await new Promise((r) => setTimeout(r, baseMs * 2 ** (attempt - 1)));
    }
  }
}

async function send(batch: PendingBatch): Promise<void> {
  await sendWithRetry(batch.queue, batch.messages);
}

const sent = new WeakSet<PendingBatch>();

function sendOnce(batch: PendingBatch): Promise<void> {
  if (sent.has(batch)) return Promise.resolve();
  sent.add(batch);
  return send(batch);
}

/**
 * Add an event. Returns the promise to hand to waitUntil when this request is the one that sends (it opened
 * the batch, or filled it); undefined when the event joined a batch another request will send.
 */
export function bufferMetric(queue: Queue<MetricMessage>, message: MetricMessage): Promise<void> | undefined {
  if (pending) {
    pending.messages.push(message);
    if (pending.messages.length < MAX_BATCH) return undefined;
    const full = pending;
    pending = undefined;
    return sendOnce(full);
  }
  const batch: PendingBatch = { messages: [message], queue };
  pending = batch;
  return new Promise<void>((resolve) => setTimeout(resolve, FLUSH_DELAY_MS)).then(() => {
    if (pending === batch) pending = undefined;
    return sendOnce(batch);
  });
}

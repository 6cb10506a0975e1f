import { isPareError, PareError } from '@pare/errors';
import type { JobEvent, JobRecord } from '../wire/jobRecordWire';
import { readJobEvents } from './jobEventStream';

// Follows a job's events to its `end` across dropped connections: an origin that restarts, a proxy that
// closes an idle stream, a Redis blip that answers 503 for a while. Each reconnect sends the last event id
// (`Last-Event-ID`), so log lines are neither lost nor repeated; it gives up only after `reconnectForMs` with
// no answer from the origin at all, or on an answer that will not change (the job does not exist, bad token).

export interface FollowOptions {
  signal?: AbortSignal;
  /** How long to keep reconnecting while the origin gives no answer (default 5 minutes). */
  reconnectForMs?: number;
  /** Told once per outage, before the first reconnect. */
  onReconnecting?: (why: string) => void;
}

/** Opens `GET /jobs/:id/events`, sending `lastEventId` when set; throws PareError as the client's fetch does. */
export type OpenEvents = (lastEventId: string | undefined, signal: AbortSignal | undefined) => Promise<Response>;

const DEFAULT_RECONNECT_FOR_MS = 5 * 60_000;

export async function followJobEvents(id: string, open: OpenEvents, onEvent: (event: JobEvent) => void, options: FollowOptions = {}): Promise<JobRecord> {
  const reconnectForMs = options.reconnectForMs ?? DEFAULT_RECONNECT_FOR_MS;
  let lastEventId: string | undefined;
  let lastAnswer = Date.now();
  let retries = 0;
  for (;;) {
    let why: string;
    try {
      const response = await open(lastEventId, options.signal);
      if (!response.body) throw new PareError('origin_protocol', 'The origin sent an events response without a body.');
      lastAnswer = Date.now();
      retries = 0;
      for await (const event of readJobEvents(response.body)) {
        lastAnswer = Date.now();
        if (event.id !== undefined) lastEventId = event.id;
        onEvent(event);
        if (event.event === 'end') {
          await response.body.cancel().catch(() => undefined);
          return event.data;
        }
      }
      why = 'the events stream closed before the job settled';
    } catch (error) {
      if (options.signal?.aborted || !retryable(error)) throw error;
      why = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() - lastAnswer > reconnectForMs) {
      throw new PareError('origin_unreachable', `Lost the origin while following job ${id}, and it did not come back within ${Math.round(reconnectForMs / 1000)} s (${why}). The job goes on there; follow it again with \`pare job ${id} --follow\`.`);
    }
    if (retries === 0) options.onReconnecting?.(why);
    await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** retries, 5000)));
    retries++;
  }
}

/**
 * Faults that pass: no answer or a dropped stream, an origin whose backend is away (503), a proxy's or the
 * origin's own 5xx. An answer that breaks the protocol, or a 4xx, would only come again.
 */
const RETRYABLE = new Set(['origin_unreachable', 'origin_error', 'backend_unavailable', 'internal']);

function retryable(error: unknown): boolean {
  return isPareError(error) && RETRYABLE.has(error.code);
}

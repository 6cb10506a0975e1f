// What the worker sends to the metrics queue: one inference event (success or error).
import type { InferenceEvent } from '@pare/db';

export interface MetricMessage {
  kind: 'inference';
  event: InferenceEvent;
}

/** Check a queue message body at the consumer's boundary (the queue is shared infrastructure: trust nothing). */
export function isMetricMessage(value: unknown): value is MetricMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { kind?: unknown; event?: Record<string, unknown> };
  const e = m.event;
  return (
    m.kind === 'inference' && typeof e === 'object' && e !== null &&
    typeof e.eventId === 'string' && typeof e.ts === 'number' && typeof e.model === 'string' && typeof e.variant === 'string' &&
    typeof e.status === 'number' && (e.errorCode === null || typeof e.errorCode === 'string') &&
    typeof e.latencyMs === 'number' && typeof e.inputBytes === 'number' && typeof e.unitBucket === 'number'
  );
}

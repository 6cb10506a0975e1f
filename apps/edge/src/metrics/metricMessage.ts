// What the worker sends to the metrics queue: one inference event (success or error).
import type { GenerationFigures, InferenceEvent } from '@pare/db';

export interface MetricMessage {
  kind: 'inference';
  event: InferenceEvent;
}

const numberOrNull = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isFinite(v));

/** A generation's figures as sent (generationRun.ts), or undefined when absent or malformed. */
function generationOf(value: unknown): GenerationFigures | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const g = value as Record<string, unknown>;
  if (!numberOrNull(g.firstTokenMs) || typeof g.tokens !== 'number' || !Number.isInteger(g.tokens) || g.tokens < 0 || !numberOrNull(g.tokensPerSecond)) return undefined;
  return { firstTokenMs: g.firstTokenMs as number | null, tokens: g.tokens, tokensPerSecond: g.tokensPerSecond as number | null };
}

/**
 * The event of a queue message body, checked at the consumer's boundary (the queue is shared infrastructure:
 * trust nothing); undefined when malformed. A message sent before `pinned` existed counts as assigned traffic, one sent
 * before `generation` existed as no generation.
 */
export function metricEventOf(value: unknown): InferenceEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as { kind?: unknown; event?: Record<string, unknown> };
  const e = m.event;
  const valid =
    m.kind === 'inference' && typeof e === 'object' && e !== null &&
    typeof e.eventId === 'string' && typeof e.ts === 'number' && typeof e.model === 'string' && typeof e.variant === 'string' &&
    typeof e.status === 'number' && (e.errorCode === null || typeof e.errorCode === 'string') &&
    typeof e.latencyMs === 'number' && typeof e.inputBytes === 'number' && typeof e.unitBucket === 'number' &&
    (e.pinned === undefined || typeof e.pinned === 'boolean') &&
    (e.generation === undefined || e.generation === null || generationOf(e.generation) !== undefined);
  if (!valid) return undefined;
  const event = e as unknown as Omit<InferenceEvent, 'pinned'> & { pinned?: boolean };
  return { ...event, pinned: event.pinned === true, generation: generationOf(e.generation) ?? null };
}

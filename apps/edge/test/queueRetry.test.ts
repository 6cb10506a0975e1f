import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { consumeMetricBatch } from '../src/metrics/queueConsumer';
import type { MetricMessage } from '../src/metrics/metricMessage';

function message(i: number): { id: string; timestamp: Date; attempts: number; body: MetricMessage } {
  return {
    id: `m${i}`, timestamp: new Date(), attempts: 1,
    body: { kind: 'inference', event: { eventId: `retry-${i}`, ts: Date.now(), model: 'retry-model', variant: 'v', status: 200, errorCode: null, latencyMs: 1, inputBytes: 10, unitBucket: 1, pinned: false } },
  };
}

async function stored(): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM inference_events WHERE model = 'retry-model'").first<{ n: number }>())!.n;
}

describe('the metrics queue consumer', () => {
  it('retries the whole batch when D1 fails, and stores it once D1 works again', async () => {
    // A real D1 failure: the table is gone while the batch arrives.
    await env.DB.prepare('ALTER TABLE inference_events RENAME TO inference_events_away').run();
    const failing = createMessageBatch<unknown>('pare-metrics', [message(1), message(2)]);
    const ctx1 = createExecutionContext();
    await consumeMetricBatch(failing, env);
    const failed = await getQueueResult(failing, ctx1);
    expect(failed.retryBatch.retry).toBe(true);
    expect(failed.explicitAcks).toEqual([]);
    await env.DB.prepare('ALTER TABLE inference_events_away RENAME TO inference_events').run();

    const redelivered = createMessageBatch<unknown>('pare-metrics', [message(1), message(2)]);
    const ctx2 = createExecutionContext();
    await consumeMetricBatch(redelivered, env);
    const ok = await getQueueResult(redelivered, ctx2);
    expect(ok.retryBatch.retry).toBe(false);
    expect(ok.ackAll).toBe(true);
    expect(await stored()).toBe(2);
  });

  it('acks and drops a malformed message without losing the good ones', async () => {
    const batch = createMessageBatch<unknown>('pare-metrics', [message(3), { id: 'bad', timestamp: new Date(), attempts: 1, body: { kind: 'inference', event: { model: 1 } } }]);
    const ctx = createExecutionContext();
    await consumeMetricBatch(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toContain('bad');
    expect(await stored()).toBe(3);
  });

  it('stores only the event fields: a well-formed message with extra fields (an "id") does not fail the batch', async () => {
    const odd = message(4);
    (odd.body.event as unknown as Record<string, unknown>).id = 'not-a-row-id';
    const batch = createMessageBatch<unknown>('pare-metrics', [message(5), odd]);
    const ctx = createExecutionContext();
    await consumeMetricBatch(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryBatch.retry).toBe(false);
    expect(await stored()).toBe(5);
  });
});

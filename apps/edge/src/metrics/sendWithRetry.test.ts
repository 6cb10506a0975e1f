import { describe, expect, it } from 'vitest';
import { metricEventsLost, sendWithRetry, type MetricQueue } from './sendWithRetry';
import { sendMetricEvents, type NewInferenceEvent } from './sendMetricEvent';
import type { MetricMessage } from './metricMessage';

const event = (variant: string): NewInferenceEvent => ({ model: 'm', variant, status: 200, errorCode: null, latencyMs: 1, inputBytes: 1, unitBucket: 0, pinned: false });

// A queue that refuses the first sends: the real local queue fails only under load, so the failure is scripted
// here; the events themselves go through the real queue in metrics.test.ts.
function flakyQueue(failures: number): { queue: MetricQueue; delivered: MetricMessage[][]; calls: () => number } {
  const delivered: MetricMessage[][] = [];
  let calls = 0;
  return {
    delivered,
    calls: () => calls,
    queue: {
      sendBatch: async (batch) => {
        calls++;
        if (calls <= failures) throw new Error('Unknown Internal Error (15000)');
        delivered.push([...batch].map((m) => m.body));
      },
    },
  };
}

const events = [{ id: 'a' }, { id: 'b' }] as unknown as MetricMessage[];

describe('sendWithRetry', () => {
  it('retries a failed send until the queue takes the batch, delivering it once', async () => {
    const q = flakyQueue(3);
    expect(await sendWithRetry(q.queue, events, 5, 1)).toBe(true);
    expect(q.calls()).toBe(4);
    expect(q.delivered).toEqual([events]);
  });

  it('reports the batch lost only after the last attempt', async () => {
    const q = flakyQueue(10);
    expect(await sendWithRetry(q.queue, events, 3, 1)).toBe(false);
    expect(q.calls()).toBe(3);
    expect(q.delivered).toEqual([]);
  });
});

describe('sendMetricEvents', () => {
  it('resolves only once the queue has taken the events, so a response never leaves before its event', async () => {
    let accept: () => void = () => undefined;
    const taken: MetricMessage[] = [];
    const queue = { sendBatch: (batch: Iterable<MessageSendRequest<MetricMessage>>) => new Promise<void>((resolve) => (accept = () => { taken.push(...[...batch].map((m) => m.body)); resolve(); })) };
    let done = false;
    const sending = sendMetricEvents({ METRICS: queue as unknown as Queue<MetricMessage> }, [event('a'), event('b')]).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    accept();
    await sending;
    expect(taken.map((m) => m.event.variant)).toEqual(['a', 'b']);
  });

  it('counts and logs the events it had to give up', async () => {
    const before = metricEventsLost();
    const q = flakyQueue(100);
    expect(await sendWithRetry(q.queue, events, 2, 1)).toBe(false);
    expect(metricEventsLost()).toBe(before + events.length);
  });
});

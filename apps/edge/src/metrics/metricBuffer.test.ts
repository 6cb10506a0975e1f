import { describe, expect, it } from 'vitest';
import { sendWithRetry, type MetricQueue } from './metricBuffer';
import type { MetricMessage } from './metricMessage';

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

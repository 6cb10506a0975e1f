// The metrics queue consumer: validate each message, write the batch to D1 and fold it into the histograms.
// A failed write retries the whole batch (events carry ids, so a redelivery is not counted twice).
import { createDb, recordInferenceEvents, type InferenceEvent } from '@pare/db';
import type { Env } from '../env';
import { metricEventOf } from './metricMessage';

export async function consumeMetricBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const events: InferenceEvent[] = [];
  for (const message of batch.messages) {
    const event = metricEventOf(message.body);
    if (event) events.push(event);
    else {
      console.error(`pare-edge: dropping malformed metric message ${message.id}`);
      message.ack();
    }
  }
  try {
    await recordInferenceEvents(createDb(env.DB), events);
  } catch (e) {
    console.error(`pare-edge: writing ${events.length} metric events failed, retrying the batch: ${e instanceof Error ? e.message : String(e)}`);
    batch.retryAll({ delaySeconds: 1 });
    return;
  }
  batch.ackAll();
}

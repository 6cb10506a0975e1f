// Worker entry: HTTP (Hono app), the metrics queue consumer, and the Tail Worker handler.
import { createApp } from './app';
import type { Env } from './env';
import { consumeMetricBatch } from './metrics/queueConsumer';
import { handleTail } from './metrics/tailHandler';

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  queue: (batch, env) => consumeMetricBatch(batch, env),
  tail: (events, env) => handleTail(events, env),
} satisfies ExportedHandler<Env, unknown>;

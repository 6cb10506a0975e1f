import { publishVariant } from '../src/publish/edgePublisher';
import type { JobHandler } from '../src/jobs/jobHandler';

// A stand-in for distill's last step: after `waitMs` (awaiting, as training does between batches) it publishes a
// tiny variant to `edge`, as a finished distillation publishes its student.

export function publishingHandler(edge: string, token: string, waitMs: number): JobHandler {
  return async (_spec, ctx) => {
    ctx.progress(0.5, 'trained');
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    const answer = await publishVariant({ edge, token, model: 'spam', variant: `from-${ctx.jobId}`, bytes: new Uint8Array([1, 2, 3]), manifest: {}, signal: ctx.signal });
    return { metrics: { published: answer.status }, artifacts: [] };
  };
}

import type { JobHandler } from '../src/jobs/jobHandler';

// A stand-in handler for lifecycle tests that need a job to stay running for a while: it advances its
// progress in steps and stops at the first step after its signal aborts, like real handlers do per batch.

export function sleepyHandler(totalMs: number, steps = 20): JobHandler {
  return async (_spec, ctx) => {
    for (let step = 1; step <= steps; step++) {
      ctx.signal.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, totalMs / steps));
      ctx.progress(step / steps, `step ${step}/${steps}`);
    }
    return { metrics: { steps }, artifacts: [] };
  };
}

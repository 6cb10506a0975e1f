import type { JobHandler, JobHandlers } from '../jobs/jobHandler';
import type { JobType, SpecOf } from '../jobs/jobSpec';

// Job type → handler: what a default origin runs. Each handler module loads on its first job, so an origin
// starts (and an API-only origin runs) without onnxruntime or the trainer in memory.

function lazy<T extends JobType>(load: () => Promise<JobHandler<SpecOf<T>>>): JobHandler<SpecOf<T>> {
  let loading: Promise<JobHandler<SpecOf<T>>> | undefined;
  return async (spec, ctx) => (await (loading ??= load()))(spec, ctx);
}

export const defaultHandlers: JobHandlers = {
  'batch-infer': lazy(() => import('./batchInfer').then((m) => m.batchInfer)),
  evaluate: lazy(() => import('./evaluate').then((m) => m.evaluate)),
  compress: lazy(() => import('./compress').then((m) => m.compress)),
  distill: lazy(() => import('./distill').then((m) => m.distill)),
};

import { PareError } from '@pare/errors';
import type { JobHandler } from '../jobs/jobHandler';
import type { DistillSpec } from '../jobs/jobSpec';

// `distill`: wired to @pare/distill once its trainer is exported.
export const distill: JobHandler<DistillSpec> = async () => {
  throw new PareError('handler_unavailable', 'distill jobs need @pare/distill, whose trainer is not exported yet.', { status: 501 });
};

import { PareError } from '@pare/errors';
import type { JobHandler } from '../jobs/jobHandler';
import type { CompressSpec } from '../jobs/jobSpec';

// `compress`: wired to @pare/compress once its orchestrator is exported (see the report in the commit log).
export const compress: JobHandler<CompressSpec> = async () => {
  throw new PareError('handler_unavailable', 'compress jobs need @pare/compress, whose orchestrator is not exported yet.', { status: 501 });
};

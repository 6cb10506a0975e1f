import type { JobHandlers } from '../jobs/jobHandler';
import { batchInfer } from './batchInfer';
import { compress } from './compress';
import { distill } from './distill';
import { evaluate } from './evaluate';

/** Job type → handler: what a default origin runs. */
export const defaultHandlers: JobHandlers = {
  'batch-infer': batchInfer,
  evaluate,
  compress,
  distill,
};

import type { JobRecord, JobState, JobType } from '@pare/clients/wire';

// The job as stored and as the API returns it: the wire's shape (packages/clients/src/wire/jobRecordWire.ts).
// Every backend persists exactly this shape, so the routes and the CLI never know which queue ran a job.

export { JOB_STATES } from '@pare/clients/wire';
export type { JobArtifact, JobError, JobLogLine, JobRecord, JobState, JobWithLogs } from '@pare/clients/wire';

const TERMINAL_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** The fields a worker or the API may change after a job is created. */
export type JobPatch = Partial<Omit<JobRecord, 'id' | 'type' | 'spec' | 'createdAt'>>;

export interface JobListQuery {
  state?: JobState;
  type?: JobType;
  limit: number;
}

import type { JobSpec, JobType } from './jobSpec';

// The job as stored and as the API returns it. Every backend persists exactly this shape, so the routes and
// the CLI never know which queue ran a job.

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const TERMINAL_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.includes(state);
}

export interface JobArtifact {
  /** File name inside the job's artifacts folder, also its name in `GET /jobs/:id/artifacts/:name`. */
  name: string;
  bytes: number;
}

export interface JobLogLine {
  at: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface JobError {
  code: string;
  message: string;
}

export interface JobRecord {
  id: string;
  type: JobType;
  spec: JobSpec;
  state: JobState;
  /** 0..1 */
  progress: number;
  /** The handler's latest progress message ("batch 3/40"). */
  message: string | null;
  metrics: Record<string, unknown>;
  artifacts: JobArtifact[];
  error: JobError | null;
  /** How many times a worker has started this job; a restart mid-run makes it 2. */
  attempts: number;
  maxAttempts: number;
  /** Set by `POST /jobs/:id/cancel` while the job runs; the worker running it aborts and marks it cancelled. */
  cancelRequested: boolean;
  /** The origin process that last claimed the job. */
  workerId: string | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** A job with its log lines, as `GET /jobs/:id` returns it. */
export interface JobWithLogs extends JobRecord {
  logs: JobLogLine[];
}

/** The fields a worker or the API may change after a job is created. */
export type JobPatch = Partial<Omit<JobRecord, 'id' | 'type' | 'spec' | 'createdAt'>>;

export interface JobListQuery {
  state?: JobState;
  type?: JobType;
  limit: number;
}

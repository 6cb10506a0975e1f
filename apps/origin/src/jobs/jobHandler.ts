import type { JobSpec, JobType, SpecOf } from './jobSpec';

// What a job handler sees and returns. Handlers do the work and know nothing of queues or storage: the
// runner turns their progress, logs and result into the stored job. Each attempt of a job runs its handler in
// a child process of the origin (./attempt/processAttempt.ts), so a handler may compute without awaiting.

export interface JobLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface JobContext {
  jobId: string;
  /** Report progress in 0..1 with an optional message; cheap to call often (writes are throttled). */
  progress(fraction: number, message?: string): void;
  log: JobLog;
  /** Aborted when the job is cancelled or the origin shuts down; handlers stop at the next batch. */
  signal: AbortSignal;
  /** A folder that belongs to this job; files a handler lists as artifacts must be written here. */
  artifactsDir: string;
}

export interface JobResult {
  metrics: Record<string, unknown>;
  /** File names inside `artifactsDir`. */
  artifacts: string[];
}

export type JobHandler<S extends JobSpec = JobSpec> = (spec: S, ctx: JobContext) => Promise<JobResult>;

/** Job type → handler. A registry rather than a switch, so tests and deployments can swap one handler. */
export type JobHandlers = { [T in JobType]: JobHandler<SpecOf<T>> };

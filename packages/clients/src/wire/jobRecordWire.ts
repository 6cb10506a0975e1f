import { z } from 'zod';
import { JOB_TYPES, jobSpecWire } from './jobSpecWire';

// The job as the origin's API returns it (`GET /jobs`, `GET /jobs/:id`, the events stream). Every origin
// backend persists exactly this shape, so the routes and the clients never know which queue ran a job.

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

const jobArtifactWire = z.object({
  /** File name inside the job's artifacts folder, also its name in `GET /jobs/:id/artifacts/:name`. */
  name: z.string(),
  bytes: z.number(),
});
export type JobArtifact = z.infer<typeof jobArtifactWire>;

const jobLogLineWire = z.object({
  at: z.string(),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
});
export type JobLogLine = z.infer<typeof jobLogLineWire>;

const jobErrorWire = z.object({ code: z.string(), message: z.string() });
export type JobError = z.infer<typeof jobErrorWire>;

export const jobRecordWire = z.object({
  id: z.string(),
  type: z.enum(JOB_TYPES),
  spec: jobSpecWire,
  state: z.enum(JOB_STATES),
  /** 0..1 */
  progress: z.number(),
  /** The handler's latest progress message ("batch 3/40"). */
  message: z.string().nullable(),
  metrics: z.record(z.string(), z.unknown()),
  artifacts: z.array(jobArtifactWire),
  error: jobErrorWire.nullable(),
  /** How many times a worker has started this job; a restart mid-run makes it 2. */
  attempts: z.number(),
  maxAttempts: z.number(),
  /** Set by `POST /jobs/:id/cancel` while the job runs; the worker running it aborts and marks it cancelled. */
  cancelRequested: z.boolean(),
  /** The origin process that last claimed the job. */
  workerId: z.string().nullable(),
  /**
   * The attempt that owns the job (fencing token): only its writes land, and once the job settles it names the
   * attempt whose results (metrics, logs, artifacts) the record holds. Absent on records of older origins.
   */
  attemptId: z.string().nullable().optional(),
  /** Attempts lost to a worker that died or stalled (counted in `attempts` too, never as failures). */
  stalls: z.number().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type JobRecord = z.output<typeof jobRecordWire>;

/** A job with its log lines, as `GET /jobs/:id` and `POST /jobs/:id/cancel` return it. */
export const jobWithLogsWire = jobRecordWire.extend({ logs: z.array(jobLogLineWire) });
export type JobWithLogs = z.output<typeof jobWithLogsWire>;

/** GET /jobs */
export const jobListWire = z.object({ jobs: z.array(jobRecordWire) });
export type JobList = z.output<typeof jobListWire>;

/** The `progress` event of `GET /jobs/:id/events`. */
const jobProgressEventWire = z.object({
  id: z.string(),
  state: z.enum(JOB_STATES),
  progress: z.number(),
  message: z.string().nullable(),
});
export type JobProgressEvent = z.infer<typeof jobProgressEventWire>;

/**
 * The events of `GET /jobs/:id/events`: `progress` whenever one changes, `log` per new line, a final `end` with the
 * whole job. `id` is the SSE event id: sent back as `Last-Event-ID`, it resumes the stream after the lines already seen.
 */
export type JobEvent =
  | { event: 'progress'; data: JobProgressEvent; id?: string }
  | { event: 'log'; data: JobLogLine; id?: string }
  | { event: 'end'; data: JobRecord; id?: string };

export const jobEventWires = { progress: jobProgressEventWire, log: jobLogLineWire, end: jobRecordWire } as const;

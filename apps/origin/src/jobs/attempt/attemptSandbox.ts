import type { JobLogLine } from '../jobRecord';
import type { JobResult } from '../jobHandler';
import type { JobSpec } from '../jobSpec';

// Where one attempt of a job runs. The runner (../jobRunner.ts) owns the job's state; a sandbox only runs the
// handler and relays its progress and log lines. Two kinds: a child process (the default, so a handler that
// computes for minutes never blocks the origin's event loop) and in-process (handlers given as functions).

export interface AttemptStart {
  jobId: string;
  spec: JobSpec;
  /** A folder that belongs to this attempt alone; the handler writes its artifacts there. */
  artifactsDir: string;
  /** The handler is about to start (its process is up): the attempt's time limit counts from here. */
  onStarted(): void;
  onProgress(fraction: number, message?: string): void;
  onLog(level: JobLogLine['level'], message: string): void;
  /** Whether the attempt still owns its job, asked before the handler publishes anything. */
  mayPublish(): Promise<boolean>;
}

export interface RunningAttempt {
  /** The handler's result; rejects with its error, or when the attempt's process ends without one. */
  readonly result: Promise<JobResult>;
  /** Ask the handler to stop through its signal; after `graceMs` a child process is killed. */
  abort(reason: string, graceMs: number): void;
  /** Resident memory the attempt has grown by since it started (bytes), when known. */
  memoryGrowth(): number | undefined;
}

export type AttemptSandbox = (start: AttemptStart) => RunningAttempt;

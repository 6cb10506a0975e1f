import type { JobLogLine } from '../jobRecord';
import type { JobResult } from '../jobHandler';
import type { JobSpec } from '../jobSpec';
import type { HandlerRef } from './handlerRef';

// What an origin and the child process running one attempt of a job say to each other over the IPC channel.

/** Origin → child. `start` once, then `abort` when the job is cancelled, times out or the origin stops. */
export type ToAttempt =
  | { kind: 'start'; jobId: string; spec: JobSpec; artifactsDir: string; handler?: HandlerRef }
  | { kind: 'abort'; reason: string }
  | { kind: 'publish-verdict'; seq: number; allowed: boolean };

/** A handler's error as it crosses the process boundary; `code` is kept when it was a PareError. */
export interface AttemptError { message: string; code?: string }

/** Child → origin. */
export type FromAttempt =
  | { kind: 'ready' }
  | { kind: 'progress'; fraction: number; message?: string }
  | { kind: 'log'; level: JobLogLine['level']; message: string }
  | { kind: 'done'; result: JobResult }
  | { kind: 'failed'; error: AttemptError }
  /** Asked before each publish to the edge: does this attempt still own the job? */
  | { kind: 'may-publish'; seq: number };

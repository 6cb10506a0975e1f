import { PareError } from '@pare/errors';

// Whether this process may still publish for its job. A job's attempt runs in a child process
// (../jobs/attempt/attemptChild.ts), which sets a guard that asks the origin whether the attempt still owns the
// job; an attempt that lost it then publishes nothing under the job's name. Without a guard (a handler called
// directly, as in its tests) publishing is allowed.

let guard: (() => Promise<boolean>) | undefined;

export function setPublishGuard(next: () => Promise<boolean>): void {
  guard = next;
}

/** Resolves when publishing may go ahead; a stale attempt gets `job_interrupted`. */
export async function checkMayPublish(): Promise<void> {
  if (guard && !(await guard())) {
    throw new PareError('job_interrupted', 'This attempt no longer owns its job (another attempt took it over, or it was cancelled); it publishes nothing.');
  }
}

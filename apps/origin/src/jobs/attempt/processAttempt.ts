import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isPareErrorCode, PareError } from '@pare/errors';
import type { JobResult } from '../jobHandler';
import type { AttemptError, FromAttempt, ToAttempt } from './attemptMessages';
import type { AttemptSandbox } from './attemptSandbox';
import type { HandlerRef } from './handlerRef';
import { residentBytes } from './residentBytes';

// Runs one attempt of a job in a child process (./attemptChild.ts). The origin's event loop stays free while
// a handler computes, so queue locks are renewed, /healthz answers, and a cancel or a lost lock is acted on at
// once: the child is asked to stop through its signal and killed if it has not within the grace time.

const CHILD_ENTRY = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './attemptChild.ts' : './attemptChild.js', import.meta.url));

export function processAttempt(handler: HandlerRef | undefined): AttemptSandbox {
  return (start) => {
    // The sources run through tsx (as `npm run origin` does); built JavaScript would run as it is.
    const child = fork(CHILD_ENTRY, [], {
      execArgv: CHILD_ENTRY.endsWith('.ts') ? ['--import', 'tsx'] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    let baseline: number | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const result = new Promise<JobResult>((resolve, reject) => {
      child.on('message', (message: FromAttempt) => {
        switch (message.kind) {
          case 'ready':
            baseline = residentBytes(child.pid);
            start.onStarted();
            child.send({ kind: 'start', jobId: start.jobId, spec: start.spec, artifactsDir: start.artifactsDir, handler } satisfies ToAttempt);
            break;
          case 'progress':
            start.onProgress(message.fraction, message.message);
            break;
          case 'log':
            start.onLog(message.level, message.message);
            break;
          case 'may-publish':
            void start.mayPublish().catch(() => false).then((allowed) => {
              if (child.connected) child.send({ kind: 'publish-verdict', seq: message.seq, allowed } satisfies ToAttempt);
            });
            break;
          case 'done':
            settled = true;
            resolve(message.result);
            break;
          case 'failed':
            settled = true;
            reject(fromAttemptError(message.error));
            break;
        }
      });
      child.once('error', (error) => {
        if (settled) return;
        settled = true;
        reject(new PareError('job_failed', `The job's process could not run: ${error.message}`, { cause: error }));
      });
      child.once('exit', (code, signal) => {
        if (killTimer) clearTimeout(killTimer);
        if (settled) return;
        settled = true;
        reject(new PareError('job_failed', `The job's process ended without a result (${signal ? `signal ${signal}` : `exit code ${code}`}).`));
      });
    });
    // A result that arrived is final; the process is left to exit by itself.
    result.catch(() => undefined);
    return {
      result,
      abort(reason, graceMs) {
        if (child.exitCode !== null || child.signalCode !== null) return;
        if (child.connected) child.send({ kind: 'abort', reason } satisfies ToAttempt, (error) => error && child.kill('SIGKILL'));
        killTimer ??= setTimeout(() => child.kill('SIGKILL'), graceMs);
      },
      memoryGrowth() {
        const now = residentBytes(child.pid);
        return now === undefined || baseline === undefined ? undefined : now - baseline;
      },
    };
  };
}

function fromAttemptError(error: AttemptError): Error {
  return isPareErrorCode(error.code) ? new PareError(error.code, error.message) : new Error(error.message);
}

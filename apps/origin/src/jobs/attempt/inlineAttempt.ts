import type { JobHandler } from '../jobHandler';
import type { AttemptSandbox } from './attemptSandbox';

// Runs a handler given as a function inside the origin process (tests and embedders that pass closures). It
// shares the origin's event loop: a handler that computes without awaiting blocks lock renewal and the API,
// which is why the default handlers run in a child process instead (./processAttempt.ts).

export function inlineAttempt(handler: JobHandler): AttemptSandbox {
  return (start) => {
    const controller = new AbortController();
    const startRss = process.memoryUsage.rss();
    start.onStarted();
    const result = Promise.resolve().then(() =>
      handler(start.spec, {
        jobId: start.jobId,
        artifactsDir: start.artifactsDir,
        signal: controller.signal,
        progress: (fraction, message) => start.onProgress(fraction, message),
        log: {
          info: (m) => start.onLog('info', m),
          warn: (m) => start.onLog('warn', m),
          error: (m) => start.onLog('error', m),
        },
      }),
    );
    return {
      result,
      abort: (reason) => controller.abort(reason),
      memoryGrowth: () => process.memoryUsage.rss() - startRss,
    };
  };
}

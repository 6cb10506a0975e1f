import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobHandler } from '../src/jobs/jobHandler';

// A stand-in for a handler's synchronous phase (teacher logits, a validation pass): it holds its thread for
// `blockMs` without awaiting, then writes an artifact naming the process that ran it.

export function blockingHandler(blockMs: number): JobHandler {
  return async (_spec, ctx) => {
    ctx.progress(0.1, 'blocking');
    // Let the progress report leave before the thread is held.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const until = Date.now() + blockMs;
    while (Date.now() < until) {
      // busy: no await, no timers, no I/O
    }
    await writeFile(join(ctx.artifactsDir, 'ran-by.txt'), `${process.pid}\n`);
    ctx.log.info(`Blocked for ${blockMs} ms in process ${process.pid}.`);
    return { metrics: { blockedMs: blockMs, pid: process.pid }, artifacts: ['ran-by.txt'] };
  };
}

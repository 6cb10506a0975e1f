import type { Context } from 'hono';
import type { JobProgressEvent } from '@pare/clients/wire';
import { streamSSE } from 'hono/streaming';
import type { JobService } from '../jobs/jobService';
import { isTerminal } from '../jobs/jobRecord';

// `GET /jobs/:id/events`: server-sent events that follow a job until it settles. The stream reads the job
// from the store on a short interval rather than listening in-process, because with BullMQ the job may run
// in another origin worker. Events: `progress` (state, progress, message) whenever one changes, `log` per
// new log line, and a final `end` with the whole job. Each event's id is the number of log lines sent so far,
// so a client that reconnects with `Last-Event-ID` (another origin, or this one restarted) resumes after them.

export interface EventsStreamOptions {
  pollMs: number;
  /** Log lines the client already has (its Last-Event-ID). */
  resumeFrom: number;
}

export function jobEventsStream(c: Context, service: JobService, id: string, options: EventsStreamOptions): Response {
  return streamSSE(c, async (stream) => {
    let aborted = false;
    stream.onAbort(() => { aborted = true; });
    let lastProgress = '';
    let logsSent = options.resumeFrom;
    let lastKeepAlive = Date.now();
    while (!aborted) {
      // A store that fails here (Redis restarting) ends the stream; the client reconnects with its last id.
      const { job, logs } = await service.progressOf(id, logsSent);
      for (const line of logs) await stream.writeSSE({ event: 'log', data: JSON.stringify(line), id: String(++logsSent) });
      const progress = JSON.stringify({ id: job.id, state: job.state, progress: job.progress, message: job.message } satisfies JobProgressEvent);
      if (progress !== lastProgress) {
        await stream.writeSSE({ event: 'progress', data: progress, id: String(logsSent) });
        lastProgress = progress;
        lastKeepAlive = Date.now();
      }
      if (isTerminal(job.state)) {
        await stream.writeSSE({ event: 'end', data: JSON.stringify(job), id: String(logsSent) });
        return;
      }
      if (Date.now() - lastKeepAlive > 15_000) {
        // A comment line keeps proxies from closing an idle stream during a long step.
        await stream.write(': keep-alive\n\n');
        lastKeepAlive = Date.now();
      }
      await stream.sleep(options.pollMs);
    }
  });
}

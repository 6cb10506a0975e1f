import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { JobList } from '@pare/clients/wire';
import { PareError } from '@pare/errors';
import type { JobService } from '../jobs/jobService';
import { JOB_STATES, type JobState } from '../jobs/jobRecord';
import { JOB_TYPES, parseJobSpec, type JobType } from '../jobs/jobSpec';
import { admitJob, type AdmissionPolicy } from '../jobs/admitJob';
import { errorResponse } from './errorResponse';
import { jobEventsStream } from './jobEventsStream';
import { requireToken } from './requireToken';
import { jobMetricsRoutes } from './jobMetrics';

// The job API. Routes parse and check input, call the service, and return JSON; errors of every route are
// rendered by errorResponse. Every route but /healthz and /readyz needs the origin's token.

export interface AppOptions {
  /** The bearer token every job route requires (checked by createOrigin). */
  token: string;
  /** What a job may read and where it may publish, checked at submission. */
  admission: AdmissionPolicy;
  /** How often the events stream re-reads a job. */
  eventsPollMs?: number;
}

export function createApp(service: JobService, options: AppOptions): Hono {
  const app = new Hono();
  app.onError(errorResponse);
  app.notFound((c) => errorResponse(new PareError('route_not_found', `No route ${c.req.method} ${c.req.path}.`, { status: 404 }), c));

  // Open, for load balancers and orchestrators. Liveness: the process answers (jobs compute in child
  // processes, so a busy worker answers too). Readiness: the backend answers and takes writes; 503 otherwise.
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    try {
      await service.ready();
      return c.json({ ready: true, backend: service.backendName, artifacts: service.artifactStoreName });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return c.json({ ready: false, backend: service.backendName, error: { code: 'backend_unavailable', message } }, 503);
    }
  });
  // Registered after the probes, so it guards every other route, unknown ones included.
  app.use('*', requireToken(options.token));
  // Prometheus scrapes it with the same bearer token (scrape config `authorization`).
  app.route('/metrics', jobMetricsRoutes(service));

  app.post('/jobs', bodyLimit({ maxSize: 1024 * 1024 }), async (c) => {
    const body: unknown = await c.req.json().catch(() => {
      throw new PareError('input_invalid', 'The body is not valid JSON; send a job spec such as {"type":"evaluate","model":"…","data":"…"}.', { status: 400 });
    });
    const job = await service.submit(admitJob(parseJobSpec(body), options.admission));
    c.header('location', `/jobs/${job.id}`);
    return c.json(job, 201);
  });

  app.get('/jobs', async (c) => {
    const state = c.req.query('state');
    const type = c.req.query('type');
    const limit = Number(c.req.query('limit') ?? 50);
    if (state !== undefined && !JOB_STATES.includes(state as JobState)) {
      throw new PareError('query_invalid', `state must be one of ${JOB_STATES.join(', ')}.`, { status: 400 });
    }
    if (type !== undefined && !JOB_TYPES.includes(type as JobType)) {
      throw new PareError('query_invalid', `type must be one of ${JOB_TYPES.join(', ')}.`, { status: 400 });
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new PareError('query_invalid', 'limit must be an integer from 1 to 1000.', { status: 400 });
    }
    const jobs = await service.list({ state: state as JobState | undefined, type: type as JobType | undefined, limit });
    return c.json({ jobs } satisfies JobList);
  });

  app.get('/jobs/:id', async (c) => c.json(await service.get(c.req.param('id'))));

  app.get('/jobs/:id/events', async (c) => {
    const id = c.req.param('id');
    await service.get(id); // a 404 before the stream starts, not inside it
    return jobEventsStream(c, service, id, { pollMs: options.eventsPollMs ?? 250, resumeFrom: resumePoint(c.req.header('last-event-id')) });
  });

  app.post('/jobs/:id/cancel', async (c) => c.json(await service.cancel(c.req.param('id'))));

  app.get('/jobs/:id/artifacts/:name', async (c) => {
    const artifact = await service.artifact(c.req.param('id'), c.req.param('name'));
    return c.body(artifact.body, 200, { 'content-type': 'application/octet-stream', 'content-length': String(artifact.bytes) });
  });

  return app;
}

/** The log lines a reconnecting client has seen: the id of the last event it got (./jobEventsStream.ts). */
function resumePoint(lastEventId: string | undefined): number {
  const seen = Number(lastEventId);
  return lastEventId !== undefined && Number.isInteger(seen) && seen >= 0 ? seen : 0;
}

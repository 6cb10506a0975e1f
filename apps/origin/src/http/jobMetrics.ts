// GET /metrics on the origin: job counts and durations in Prometheus text format, read from the job store, so
// every origin process sharing a Redis queue reports the same figures. Jobs are never deleted from the store,
// so the totals only grow.
import { Hono } from 'hono';
import { Exposition, PROMETHEUS_CONTENT_TYPE, type HistogramSample, type Sample } from '@pare/prometheus';
import type { JobService } from '../jobs/jobService';
import type { OriginCounters } from '../jobs/originCounters';
import { isTerminal, JOB_STATES, type JobRecord } from '../jobs/jobRecord';
import { JOB_TYPES } from '../jobs/jobSpec';

/** Seconds: jobs take from seconds (evaluate) to hours (distill). */
const DURATION_BOUNDS_S = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600];

function histogram(jobs: readonly JobRecord[], seconds: (j: JobRecord) => number | undefined, labels: (j: JobRecord) => Record<string, string>): HistogramSample[] {
  const byKey = new Map<string, { labels: Record<string, string>; counts: number[]; sum: number }>();
  for (const job of jobs) {
    const s = seconds(job);
    if (s === undefined) continue;
    const l = labels(job);
    const key = JSON.stringify(l);
    let h = byKey.get(key);
    if (!h) byKey.set(key, (h = { labels: l, counts: new Array<number>(DURATION_BOUNDS_S.length + 1).fill(0), sum: 0 }));
    const bucket = DURATION_BOUNDS_S.findIndex((b) => s <= b);
    h.counts[bucket === -1 ? DURATION_BOUNDS_S.length : bucket]!++;
    h.sum += s;
  }
  return [...byKey.values()].map((h) => ({ labels: h.labels, bounds: DURATION_BOUNDS_S, counts: h.counts, sum: Number(h.sum.toFixed(3)) }));
}

const secondsBetween = (from: string | null, to: string | null): number | undefined =>
  from && to ? Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000) : undefined;

/** The job store's figures, and this process's fault counters when given. */
export function jobExposition(jobs: readonly JobRecord[], counters?: OriginCounters): string {
  const count = (match: (j: JobRecord) => boolean): number => jobs.reduce((n, j) => n + (match(j) ? 1 : 0), 0);
  const submitted: Sample[] = JOB_TYPES.map((type) => ({ labels: { type }, value: count((j) => j.type === type) }));
  const finished: Sample[] = JOB_TYPES.flatMap((type) =>
    JOB_STATES.filter(isTerminal).map((state) => ({ labels: { type, state }, value: count((j) => j.type === type && j.state === state) })),
  );
  const current: Sample[] = JOB_TYPES.flatMap((type) =>
    JOB_STATES.filter((s) => !isTerminal(s)).map((state) => ({ labels: { type, state }, value: count((j) => j.type === type && j.state === state) })),
  );
  const exposition = new Exposition();
  counters?.exposeIn(exposition);
  return exposition
    .counter('pare_origin_jobs_submitted_total', 'Jobs submitted to this origin\'s job store.', submitted)
    .counter('pare_origin_jobs_finished_total', 'Jobs that ended, by final state.', finished)
    .gauge('pare_origin_jobs', 'Jobs queued or running now.', current)
    .histogram(
      'pare_origin_job_duration_seconds',
      'Time from a finished job\'s (last) start to its end, by type and final state.',
      histogram(jobs.filter((j) => isTerminal(j.state)), (j) => secondsBetween(j.startedAt, j.finishedAt), (j) => ({ type: j.type, state: j.state })),
    )
    .histogram(
      'pare_origin_job_queue_seconds',
      'Time jobs waited from submission to their (last) start, by type.',
      histogram(jobs, (j) => secondsBetween(j.createdAt, j.startedAt), (j) => ({ type: j.type })),
    )
    .text();
}

export function jobMetricsRoutes(service: JobService): Hono {
  const routes = new Hono();
  routes.get('/', async (c) => c.text(jobExposition(await service.list({ limit: Number.MAX_SAFE_INTEGER }), service.counters), 200, { 'content-type': PROMETHEUS_CONTENT_TYPE }));
  return routes;
}

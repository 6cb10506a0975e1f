import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { familiesOf, queriedFamilies } from '@pare/prometheus';
import { checkMetrics, promtoolAvailable, promtoolTestName } from '@pare/prometheus/promtool';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createOrigin, type Origin } from '../origin';
import { TEST_TOKEN } from '../../test/originHarness';
import { sleepyHandler } from '../../test/sleepyHandler';

// GET /metrics of a real origin (SQLite backend) after jobs ran: counters by type and final state, durations.

let dataDir: string;
let origin: Origin;
const auth = { authorization: `Bearer ${TEST_TOKEN}` };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pare-origin-metrics-'));
  origin = await createOrigin({ token: TEST_TOKEN, dataDir, cancelPollMs: 50, handlers: { compress: sleepyHandler(40, 2) } });
});

afterAll(async () => {
  await origin.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function scrape(): Promise<string> {
  const response = await origin.app.request('/metrics', { headers: auth });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return response.text();
}

async function settle(id: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const job = (await (await origin.app.request(`/jobs/${id}`, { headers: auth })).json()) as { state: string };
    if (['succeeded', 'failed', 'cancelled'].includes(job.state)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} did not finish`);
}

test('needs the origin token', async () => {
  expect((await origin.app.request('/metrics')).status).toBe(401);
});

test('counts submitted and finished jobs and their durations', async () => {
  const submit = async (): Promise<string> => {
    const response = await origin.app.request('/jobs', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'compress', model: 'm.onnx' }) });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  for (const id of [await submit(), await submit()]) await settle(id);
  const text = await scrape();
  expect(text).toContain('pare_origin_jobs_submitted_total{type="compress"} 2');
  expect(text).toContain('pare_origin_jobs_finished_total{type="compress",state="succeeded"} 2');
  expect(text).toContain('pare_origin_jobs_finished_total{type="distill",state="failed"} 0');
  expect(text).toContain('pare_origin_jobs{type="compress",state="running"} 0');
  expect(text).toContain('pare_origin_job_duration_seconds_count{type="compress",state="succeeded"} 2');
  expect(text).toContain('pare_origin_job_duration_seconds_bucket{type="compress",state="succeeded",le="+Inf"} 2');
  expect(text).toContain('pare_origin_job_queue_seconds_count{type="compress"} 2');
});

test.skipIf(!promtoolAvailable())(promtoolTestName('passes promtool check metrics'), async () => {
  expect(checkMetrics(await scrape())).toEqual({ ok: true, output: '' });
});

test('has every origin family the Grafana dashboard (infra/grafana/pare.json) reads', async () => {
  const dashboard = readFileSync(resolve(import.meta.dirname, '../../../../infra/grafana/pare.json'), 'utf8');
  const queried = [...queriedFamilies(dashboard, 'pare_origin_')];
  expect(queried.length).toBeGreaterThan(2);
  const exposed = familiesOf(await scrape());
  expect(queried.filter((n) => !exposed.has(n))).toEqual([]);
});


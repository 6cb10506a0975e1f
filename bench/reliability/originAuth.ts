// Every origin route tried without its token (none, wrong, malformed, in the wrong place): none may be accepted.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startOriginProcess, submit, TEST_TOKEN } from '../../apps/origin/test/originHarness';

export interface OriginAuthResult {
  tried: number;
  accepted: number;
  /** Answers by status, e.g. { 401: 70 }. */
  statuses: Record<number, number>;
}

export async function originWithoutToken(): Promise<OriginAuthResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pare-reliability-auth-'));
  const origin = await startOriginProcess({ token: TEST_TOKEN, dataDir: dir, sleepMs: 10 });
  try {
    const job = await submit(origin.fetcher, { type: 'compress', model: 'a' });
    const spec = JSON.stringify({ type: 'distill', teacher: 'x', data: 'y', publish: { edge: 'http://127.0.0.1:1', model: 'm', variant: 'v' } });
    const routes: Array<[string, string, string?]> = [
      ['GET', '/jobs'], ['POST', '/jobs', spec], ['GET', `/jobs/${job.id}`], ['GET', `/jobs/${job.id}/events`], ['POST', `/jobs/${job.id}/cancel`],
      ['GET', `/jobs/${job.id}/artifacts/model.onnx`], ['GET', '/jobs/job_nope'], ['DELETE', '/jobs'], ['GET', '/nope'], ['GET', '/healthz/../jobs'],
    ];
    const credentials: Array<Record<string, string>> = [
      {}, { authorization: '' }, { authorization: 'Bearer' }, { authorization: 'Bearer ' }, { authorization: 'Bearer wrong' },
      { authorization: `Bearer ${TEST_TOKEN.slice(0, -1)}` }, { authorization: `Bearer ${TEST_TOKEN} ` + 'x' }, { authorization: `Basic ${btoa(`pare:${TEST_TOKEN}`)}` },
      { authorization: `Token ${TEST_TOKEN}` }, { 'x-pare-token': TEST_TOKEN }, { cookie: `token=${TEST_TOKEN}` }, { authorization: `Bearer ${'a'.repeat(10_000)}` },
    ];
    const statuses: Record<number, number> = {};
    let tried = 0;
    let accepted = 0;
    const url = origin.url;
    for (const [method, route, body] of routes) {
      for (const headers of credentials) {
        // The token also tried in the query string, where a careless proxy might log it.
        for (const query of ['', `?token=${TEST_TOKEN}`]) {
          const response = await fetch(`${url}${route}${query}`, { method, headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(5000) }).catch(() => undefined);
          tried++;
          const status = response?.status ?? 0;
          await response?.body?.cancel();
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status >= 200 && status < 400) accepted++;
        }
      }
    }
    return { tried, accepted, statuses };
  } finally {
    await origin.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

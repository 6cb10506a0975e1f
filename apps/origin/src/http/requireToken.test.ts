import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createOrigin, type Origin } from '../origin';
import { overHttp, readJson, serveApp, submit, TEST_TOKEN, type Fetcher, type ServedApp } from '../../test/originHarness';
import { sleepyRef } from '../../test/handlerRefs';

// Every origin route needs the token, over real HTTP: none is 401, a wrong one 403, and a refused request
// changes nothing. An origin without a token of at least 32 characters does not start.

let dataDir: string;
let origin: Origin;
let served: ServedApp;
let api: Fetcher;
let jobId: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pare-origin-auth-'));
  origin = await createOrigin({ token: TEST_TOKEN, dataDir, worker: false, handlers: { compress: sleepyRef(10, 1) } });
  served = await serveApp(origin.app);
  api = overHttp(served.url);
  jobId = (await submit(api, { type: 'compress', model: 'm.onnx' })).id;
});

afterAll(async () => {
  await served.close();
  await origin.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const json = { 'content-type': 'application/json' };
const routes: Array<{ method: string; path: () => string; body?: string }> = [
  { method: 'GET', path: () => '/jobs' },
  { method: 'POST', path: () => '/jobs', body: JSON.stringify({ type: 'compress', model: 'm.onnx' }) },
  { method: 'GET', path: () => `/jobs/${jobId}` },
  { method: 'GET', path: () => `/jobs/${jobId}/events` },
  { method: 'POST', path: () => `/jobs/${jobId}/cancel` },
  { method: 'GET', path: () => `/jobs/${jobId}/artifacts/model.onnx` },
  { method: 'GET', path: () => '/no-such-route' },
];

describe.each(routes)('$method $path', (route) => {
  const call = (fetcher: Fetcher): Promise<Response> => fetcher(route.path(), { method: route.method, body: route.body, headers: json });

  test('without a token: 401 unauthorized', async () => {
    const response = await call(overHttp(served.url, null));
    expect(response.status).toBe(401);
    expect((await readJson(response)).error.code).toBe('unauthorized');
  });

  test('with another scheme: 401 unauthorized', async () => {
    const response = await fetch(`${served.url}${route.path()}`, { method: route.method, body: route.body, headers: { ...json, authorization: `Basic ${TEST_TOKEN}` } });
    expect(response.status).toBe(401);
  });

  test('with a wrong token (a prefix of the right one, too): 403 forbidden', async () => {
    for (const wrong of ['x'.repeat(TEST_TOKEN.length), TEST_TOKEN.slice(0, -1)]) {
      const response = await call(overHttp(served.url, wrong));
      expect(response.status).toBe(403);
      expect((await readJson(response)).error.code).toBe('forbidden');
    }
  });

  test('with the token: past the check', async () => {
    const response = await call(api);
    expect([401, 403]).not.toContain(response.status);
    await response.body?.cancel();
  });
});

test('a refused submission queues nothing', async () => {
  const before = (await readJson(await api('/jobs?limit=1000'))).jobs.length;
  for (const token of [null, 'wrong-token-wrong-token-wrong-token']) {
    const response = await overHttp(served.url, token)('/jobs', { method: 'POST', body: JSON.stringify({ type: 'compress', model: 'm.onnx' }), headers: json });
    expect(response.status).toBeGreaterThanOrEqual(401);
  }
  expect((await readJson(await api('/jobs?limit=1000'))).jobs.length).toBe(before);
  expect((await origin.service.list({ limit: 1000 })).length).toBe(before);
});

test('/healthz is open and says nothing about the origin', async () => {
  const response = await overHttp(served.url, null)('/healthz');
  expect(response.status).toBe(200);
  expect(await readJson(response)).toEqual({ ok: true });
});

describe('startup', () => {
  test('createOrigin refuses no token and a token under 32 characters', async () => {
    await expect(createOrigin({ token: '', dataDir })).rejects.toMatchObject({ code: 'option_invalid', message: expect.stringContaining('PARE_ORIGIN_TOKEN') });
    await expect(createOrigin({ token: 'a'.repeat(31), dataDir })).rejects.toMatchObject({ code: 'option_invalid', message: expect.stringContaining('at least 32') });
  });

  const SERVER = fileURLToPath(new URL('../server.ts', import.meta.url));
  function runServer(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER, '--port', '0', '--data-dir', join(dataDir, 'server'), ...args], {
      env: { ...process.env, REDIS_URL: '', PARE_ORIGIN_TOKEN: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('listening on')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  }

  test('server.ts exits 1 with a message without a token, or with a short one', async () => {
    const none = await runServer([], {});
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('PARE_ORIGIN_TOKEN');
    const short = await runServer([], { PARE_ORIGIN_TOKEN: 'too-short' });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/9 characters long; it needs at least 32/);
  }, 60_000);

  test('--token-file makes a token (mode 0600) on the first run and keeps it', async () => {
    const file = join(dataDir, 'token-dir', 'origin.token');
    const first = await runServer(['--token-file', file], {});
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`wrote a new API token in ${file}`);
    const token = readFileSync(file, 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = await runServer(['--token-file', file], {});
    expect(second.stdout).toContain(`using the API token in ${file}`);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
  }, 60_000);
});

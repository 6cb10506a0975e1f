import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { JobWithLogs } from '../src/jobs/jobRecord';
import type { OriginConfig } from '../src/origin';

// Small helpers shared by the origin tests: talk to an app in-process or over HTTP, wait for job states,
// and run a real origin process that can be killed.

export type Fetcher = (path: string, init?: RequestInit) => Promise<Response>;

/** The token the test origins run with (an origin refuses tokens under 32 characters). */
export const TEST_TOKEN = 'test-origin-token-0123456789abcdefghij';

/** Requests to the app in this process, sending `token` (none when null). */
export function inProcess(app: Hono, token: string | null = TEST_TOKEN): Fetcher {
  return async (path, init) => app.request(path, withToken(init, token));
}

/** Requests over HTTP, sending `token` (none when null). */
export function overHttp(base: string, token: string | null = TEST_TOKEN): Fetcher {
  return (path, init) => fetch(`${base}${path}`, withToken(init, token));
}

function withToken(init: RequestInit | undefined, token: string | null): RequestInit {
  const headers = new Headers(init?.headers);
  if (token !== null) headers.set('authorization', `Bearer ${token}`);
  return { ...init, headers };
}

export interface ServedApp {
  url: string;
  close(): Promise<void>;
}

/** Serve an app on a free local port, as server.ts does. */
export async function serveApp(app: Hono): Promise<ServedApp> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A response body as loosely-typed JSON, for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function readJson(response: Response): Promise<any> {
  return response.json();
}

export interface Refusal {
  status: number;
  code: string;
  message: string;
  field?: string;
  details?: any;
}

/** Submit a spec that must be refused: answers the error, and fails the test if the refused job was queued anyway. */
export async function submitRefused(service: { list(query: { limit: number }): Promise<unknown[]> }, fetcher: Fetcher, spec: unknown): Promise<Refusal> {
  const before = (await service.list({ limit: 1000 })).length;
  const response = await fetcher('/jobs', { method: 'POST', body: JSON.stringify(spec), headers: { 'content-type': 'application/json' } });
  const body = await readJson(response);
  if ((await service.list({ limit: 1000 })).length !== before) throw new Error('a refused job was queued');
  return { status: response.status, code: body.error?.code, message: body.error?.message, field: body.error?.details?.field, details: body.error?.details };
}

export async function submit(fetcher: Fetcher, spec: unknown): Promise<JobWithLogs> {
  const response = await fetcher('/jobs', { method: 'POST', body: JSON.stringify(spec), headers: { 'content-type': 'application/json' } });
  if (response.status !== 201) throw new Error(`submit answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as JobWithLogs;
}

export async function getJob(fetcher: Fetcher, id: string): Promise<JobWithLogs> {
  return (await (await fetcher(`/jobs/${id}`)).json()) as JobWithLogs;
}

export async function waitForJob(fetcher: Fetcher, id: string, until: (job: JobWithLogs) => boolean, timeoutMs = 60_000): Promise<JobWithLogs> {
  const deadline = Date.now() + timeoutMs;
  let job = await getJob(fetcher, id);
  while (!until(job)) {
    if (Date.now() > deadline) throw new Error(`job ${id} did not reach the expected state; last seen: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 40));
    job = await getJob(fetcher, id);
  }
  return job;
}

export const settled = (job: JobWithLogs): boolean => ['succeeded', 'failed', 'cancelled'].includes(job.state);

export interface OriginProcess {
  url: string;
  fetcher: Fetcher;
  child: ChildProcess;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** A real origin process (./originChild.ts); `port` fixes its port (default: a free one). */
export async function startOriginProcess(config: OriginConfig & { sleepMs?: number; port?: number }): Promise<OriginProcess> {
  const entry = fileURLToPath(new URL('./originChild.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, PARE_TEST_ORIGIN_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /port=(\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`origin process exited (${code}) before listening: ${stderr}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    fetcher: overHttp(`http://127.0.0.1:${port}`),
    child,
    kill: async (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}

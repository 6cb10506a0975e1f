import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { JobWithLogs } from '../src/jobs/jobRecord';
import type { OriginConfig } from '../src/origin';

// Small helpers shared by the origin tests: talk to an app in-process or over HTTP, wait for job states,
// and run a real origin process that can be killed.

export type Fetcher = (path: string, init?: RequestInit) => Promise<Response>;

export function inProcess(app: Hono): Fetcher {
  return async (path, init) => app.request(path, init);
}

export function overHttp(base: string): Fetcher {
  return (path, init) => fetch(`${base}${path}`, init);
}

/** A response body as loosely-typed JSON, for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function readJson(response: Response): Promise<any> {
  return response.json();
}

export async function submit(fetcher: Fetcher, spec: unknown): Promise<JobWithLogs> {
  const response = await fetcher('/jobs', { method: 'POST', body: JSON.stringify(spec), headers: { 'content-type': 'application/json' } });
  if (response.status !== 201) throw new Error(`submit answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as JobWithLogs;
}

export async function getJob(fetcher: Fetcher, id: string): Promise<JobWithLogs> {
  return (await (await fetcher(`/jobs/${id}`)).json()) as JobWithLogs;
}

export async function waitForJob(fetcher: Fetcher, id: string, until: (job: JobWithLogs) => boolean, timeoutMs = 20_000): Promise<JobWithLogs> {
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
  fetcher: Fetcher;
  child: ChildProcess;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startOriginProcess(config: OriginConfig & { sleepMs: number }): Promise<OriginProcess> {
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

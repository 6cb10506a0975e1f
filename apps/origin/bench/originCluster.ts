// Origins as separate processes for the origin benches: one API-only origin and N workers on one queue, each
// started with `apps/origin/src/server.ts` and its own data folder, and a client that retries while the API
// origin or Redis restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import S3rver from 's3rver';
import type { JobWithLogs } from '@pare/clients';
import { freePort } from '../test/redisServer';

export interface Origin { name: string; port: number; args: string[]; child?: ChildProcess; workerId?: string }

export const repoRoot = resolve(import.meta.dirname, '../../..');
const SERVER = join(repoRoot, 'apps/origin/src/server.ts');

export interface OriginCluster {
  api: Origin;
  workers: Origin[];
  start(origin: Origin): Promise<void>;
  stop(origin: Origin, signal: NodeJS.Signals): Promise<void>;
  /** A request to the API origin with the token, retried (up to 30 s) while it or Redis restarts. */
  call(path: string, init?: RequestInit): Promise<Response>;
  job(id: string): Promise<JobWithLogs>;
  submit(spec: unknown): Promise<string>;
  stopAll(): Promise<void>;
}

export async function originCluster(options: { work: string; env: NodeJS.ProcessEnv; token: string; workers: number }): Promise<OriginCluster> {
  const api: Origin = { name: 'api', port: await freePort(), args: ['--no-worker'] };
  const workers: Origin[] = [];
  for (let i = 0; i < options.workers; i++) workers.push({ name: `worker-${String.fromCharCode(97 + i)}`, port: await freePort(), args: [] });

  async function start(origin: Origin): Promise<void> {
    const dataDir = join(options.work, origin.name);
    mkdirSync(dataDir, { recursive: true });
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER, '--port', String(origin.port), '--data-dir', dataDir, ...origin.args], { cwd: repoRoot, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    origin.child = child;
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[${origin.name}] ${d}`));
    await new Promise<void>((ready, fail) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /listening on .*?, worker ([\w-]+)\)/.exec(out) ?? /listening on/.exec(out);
        if (match) {
          origin.workerId = match[1];
          ready();
        }
      });
      child.once('exit', (code) => fail(new Error(`${origin.name} exited (${code}) before listening`)));
    });
  }

  async function stop(origin: Origin, signal: NodeJS.Signals): Promise<void> {
    const child = origin.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill(signal);
    await exited;
  }

  async function call(path: string, init?: RequestInit): Promise<Response> {
    for (let tries = 0; ; tries++) {
      try {
        const response = await fetch(`http://127.0.0.1:${api.port}${path}`, { ...init, headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' } });
        if (response.status < 500 || tries > 60) return response;
      } catch (error) {
        if (tries > 60) throw error;
      }
      await new Promise((r) => setTimeout(r, 500)); // the API origin or Redis is restarting
    }
  }

  return {
    api,
    workers,
    start,
    stop,
    call,
    job: async (id) => (await call(`/jobs/${id}`)).json() as Promise<JobWithLogs>,
    submit: async (spec) => ((await (await call('/jobs', { method: 'POST', body: JSON.stringify(spec) })).json()) as { id: string }).id,
    stopAll: async () => {
      await Promise.all([api, ...workers].map((o) => stop(o, 'SIGTERM')));
    },
  };
}

/** A local S3-protocol server (s3rver) with one bucket, and the origin environment that points at it. */
export async function startArtifactBucket(work: string): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(work, 's3'), configureBuckets: [{ name: 'pare', configs: [] }] });
  const port = ((await s3.run()) as AddressInfo).port;
  return {
    env: {
      PARE_ARTIFACTS_S3_ENDPOINT: `http://127.0.0.1:${port}`,
      PARE_ARTIFACTS_S3_BUCKET: 'pare',
      PARE_ARTIFACTS_S3_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    },
    close: async () => {
      await s3.close();
    },
  };
}

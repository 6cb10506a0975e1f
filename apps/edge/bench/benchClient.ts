// What the edge benchmarks do to a running worker: timed requests, the stored-event count read back from
// /stats, and a bounded loopback load test (autocannon in a child process).
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { repoRoot } from '../../../infra/localEdgeWorker';

/** One kept-alive socket pool for timed requests: node:http costs the client less per request than fetch (undici). */
const keptAlive = new http.Agent({ keepAlive: true });

export interface TimedInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * One request over a kept-alive socket, timed from the call to the last byte of the answer; throws on a non-2xx
 * answer. Measured with node:http: on loopback fetch adds about a quarter of a millisecond of its own per request.
 */
export function timed(url: string, init: TimedInit = {}): Promise<{ ms: number; response: Response }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent: keptAlive }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const ms = performance.now() - started;
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) return reject(new Error(`${init.method ?? 'GET'} ${url} answered ${status}`));
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        resolve({ ms, response: new Response(status === 204 ? null : Buffer.concat(chunks), { status, headers }) });
      });
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

export async function eventsStored(workerUrl: string, model: string): Promise<number> {
  const stats = (await (await fetch(`${workerUrl}/v1/models/${model}/stats?window=15m`)).json()) as { variants: Array<{ count: number }> };
  return stats.variants.reduce((s, v) => s + v.count, 0);
}

/** Wait until the stored-event count reaches `expected` or stops moving (the queue consumer flushes in ~1 s batches). */
export async function settledEvents(workerUrl: string, model: string, expected?: number): Promise<number> {
  let last = -1;
  let stableFor = 0;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const now = await eventsStored(workerUrl, model);
    if (expected !== undefined && now >= expected) return now;
    stableFor = now === last ? stableFor + 1 : 0;
    if (stableFor >= 6) return now;
    last = now;
    await new Promise((r) => setTimeout(r, 500));
  }
  return last;
}

export interface AutocannonResult {
  requests: { average: number; total: number; sent: number };
  latency: { p50: number; p99: number; average: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** autocannon in a child process, awaited asynchronously: Miniflare's loopback services live in this process's event loop. */
export function loadTest(url: string, body: string, options: { connections: number; durationS: number }): Promise<AutocannonResult> {
  const bin = path.join(repoRoot, 'node_modules', '.bin', 'autocannon');
  const child = spawn(
    bin,
    ['-c', String(options.connections), '-d', String(options.durationS), '-m', 'POST', '-H', 'content-type=application/json', '-b', body, '--json', url],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout) as AutocannonResult) : reject(new Error(`autocannon failed (${code}): ${stderr}`))));
  });
}

/** Requests the load test sent (autocannon's count, or its answers where that is larger). */
export function requestsSent(load: AutocannonResult): number {
  return Math.max(load.requests.sent ?? 0, load['2xx'] + load.non2xx);
}

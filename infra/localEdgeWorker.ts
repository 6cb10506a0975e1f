// A local edge worker for benchmarks and CLI tests: the exact upload that `wrangler deploy --dry-run` builds, run by
// Miniflare (workerd) with local D1, R2 and the metrics queue, persisted in a temporary folder so the worker
// can be restarted cold on the same data. (wrangler dev's file watcher is not wanted here: it rebuilds.)
import { spawnSync } from 'node:child_process';
import fs, { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Miniflare } from 'miniflare';

export const repoRoot = path.resolve(import.meta.dirname, '..');
const wrangler = path.join(repoRoot, 'node_modules', '.bin', 'wrangler');
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', NO_UPDATE_NOTIFIER: '1', CI: '1' };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function runWrangler(args: string[]): string {
  const result = spawnSync(wrangler, args, { cwd: repoRoot, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`wrangler ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return `${result.stdout}\n${result.stderr}`;
}

/** D1 migrations as statements, in file order (drizzle-kit separates statements with a breakpoint marker). */
function migrationStatements(): string[] {
  const dir = path.join(repoRoot, 'infra', 'migrations');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('--> statement-breakpoint'))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Build the upload into `outdir` (wrangler deploy --dry-run); returns wrangler's output. */
export function buildUpload(outdir: string): string {
  return runWrangler(['deploy', '--dry-run', '--outdir', outdir]);
}

export class LocalWorker {
  private mf?: Miniflare;
  readonly url: string;
  /** bundleDir: the --outdir of `wrangler deploy --dry-run` (index.js + the ORT wasm); inspectorPort: workerd's V8 inspector (profiling). */
  constructor(readonly port: number, readonly stateDir: string, readonly token: string, readonly bundleDir: string, readonly inspectorPort?: number) {
    this.url = `http://127.0.0.1:${port}`;
  }

  private options(): ConstructorParameters<typeof Miniflare>[0] {
    // Every module of the upload besides index.js, typed as wrangler.toml's [[rules]] type them.
    const extra = readdirSync(this.bundleDir).filter((f) => f !== 'index.js' && f !== 'README.md' && !f.endsWith('.map'));
    const moduleType = (f: string): 'CompiledWasm' | 'Text' | 'Data' => (f.endsWith('.wasm') ? 'CompiledWasm' : /\.(js|css|txt|html)$/.test(f) ? 'Text' : 'Data');
    return {
      host: '127.0.0.1',
      port: this.port,
      ...(this.inspectorPort !== undefined ? { inspectorPort: this.inspectorPort } : {}),
      compatibilityDate: '2026-04-20',
      modulesRoot: this.bundleDir,
      modules: [
        { type: 'ESModule', path: path.join(this.bundleDir, 'index.js') },
        ...extra.map((f) => ({ type: moduleType(f), path: path.join(this.bundleDir, f) })),
      ],
      bindings: { ADMIN_TOKEN: this.token, MAX_BODY_BYTES: '1048576', DEPLOYMENT_CACHE_MS: '5000' },
      d1Databases: { DB: 'pare' },
      r2Buckets: { MODELS: 'pare-models' },
      queueProducers: { METRICS: { queueName: 'pare-metrics' } },
      queueConsumers: { 'pare-metrics': { maxBatchSize: 100, maxBatchTimeout: 1, maxRetries: 10 } },
      // A second socket bound to the Pare worker itself, past Miniflare's entry worker (a JS router in front of
      // every request that production does not have): `directUrl()`.
      unsafeDirectSockets: [{ host: '127.0.0.1', port: 0 }],
      defaultPersistRoot: this.stateDir,
      // The worker's per-request log line is for the Tail Worker handler; keep benchmark output readable.
      handleRuntimeStdio: (stdout, stderr) => {
        stdout.resume();
        stderr.pipe(process.stderr);
      },
    };
  }

  async applyMigrations(): Promise<void> {
    const mf = new Miniflare(this.options());
    try {
      const db = await mf.getD1Database('DB');
      for (const statement of migrationStatements()) await db.prepare(statement).run();
    } finally {
      await mf.dispose();
    }
  }

  /** Start workerd and wait until GET /v2/health/live answers; returns the milliseconds it took. */
  async start(): Promise<number> {
    const started = performance.now();
    this.mf = new Miniflare(this.options());
    await this.mf.ready;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`${this.url}/v2/health/live`)).ok) return performance.now() - started;
      } catch {
        // not yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the worker did not come up in 60 s');
  }

  /** The Pare worker's own socket (while started): requests skip Miniflare's entry worker, as production's front end does. */
  async directUrl(): Promise<string> {
    if (!this.mf) throw new Error('the worker is not started');
    return (await this.mf.unsafeGetDirectURL()).origin;
  }

  /** The worker's R2 bucket of model bytes (while started): the reliability bench corrupts and removes objects in it. */
  async modelsBucket(): Promise<Awaited<ReturnType<Miniflare['getR2Bucket']>>> {
    if (!this.mf) throw new Error('the worker is not started');
    return this.mf.getR2Bucket('MODELS');
  }

  async stop(): Promise<void> {
    await this.mf?.dispose();
    this.mf = undefined;
  }
}

/** A migrated, started local edge in a fresh temporary folder (tests); `stop` ends it and removes the folder. */
export async function startLocalEdge(prefix: string, token: string): Promise<{ worker: LocalWorker; dir: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const bundle = path.join(dir, 'bundle');
  fs.mkdirSync(bundle);
  buildUpload(bundle);
  const worker = new LocalWorker(await freePort(), path.join(dir, 'state'), token, bundle);
  await worker.applyMigrations();
  await worker.start();
  return {
    worker,
    dir,
    stop: async () => {
      await worker.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

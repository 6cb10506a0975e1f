// Runs the edge worker for the browser tests the way `npm run dev` does (wrangler dev, local workerd with
// local D1/R2/queues), but on a free port, with its own persistence directory and admin token, so a test
// run never touches the developer's local database.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../../..');
const wrangler = path.join(root, 'node_modules', '.bin', 'wrangler');
const childEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', NO_UPDATE_NOTIFIER: '1', CI: '1' };

export interface EdgeServer {
  url: string;
  token: string;
  /** Run SQL against the server's local D1 (before start, or while it runs: wrangler opens the same files). */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function run(args: string[], persist: string): void {
  const result = spawnSync(wrangler, [...args, '--local', '--persist-to', persist], { cwd: root, env: childEnv, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`wrangler ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
}

/** Apply the migrations, run `seedSql` (statements) into the fresh local D1, then start the worker. */
export async function startEdgeServer(options: { seedSql?: string[]; token: string }): Promise<EdgeServer> {
  const persist = mkdtempSync(path.join(tmpdir(), 'pare-browser-'));
  run(['d1', 'migrations', 'apply', 'DB'], persist);
  if (options.seedSql && options.seedSql.length > 0) {
    const file = path.join(persist, 'seed.sql');
    writeFileSync(file, options.seedSql.join(';\n') + ';\n');
    run(['d1', 'execute', 'DB', '--file', file, '--yes'], persist);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    wrangler,
    ['dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', persist, '--var', `ADMIN_TOKEN:${options.token}`, '--show-interactive-dev-session=false', '--log-level', 'warn'],
    { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid) {
      // wrangler starts workerd as a child: end the whole process group that was started here.
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((r) => child.once('exit', r).once('close', r));
    }
    rmSync(persist, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output}`);
    // A failed build leaves wrangler dev waiting for file changes: fail now, with its message.
    if (/\[ERROR\]/.test(output)) {
      await stop();
      throw new Error(`wrangler dev could not start the worker:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/v2/health/live`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the worker did not start on ${url}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, token: options.token, stop };
}

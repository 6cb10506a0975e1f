// `npm run dev [-- --port <n>]`: apply the D1 migrations, start the edge worker locally (workerd with local
// D1, R2 and queues through wrangler), deploy the default model's variants through the admin API (the same
// path `pare deploy` takes), set a traffic split (a model already there keeps its own), check a request, and
// print the URLs and a curl line.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EdgeClient } from '@pare/clients';
import { buildDefaultVariants, DEFAULT_MODEL_NAME } from './models/defaultVariants';
import { devSplit, findCommittedVariants } from './models/committedVariants';

const root = path.resolve(import.meta.dirname, '..');
const wrangler = path.join(root, 'node_modules', '.bin', 'wrangler');
const childEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', NO_UPDATE_NOTIFIER: '1' };

function step(message: string): void {
  process.stdout.write(`pare dev: ${message}\n`);
}

let worker: ChildProcess | undefined;

function fail(message: string): never {
  process.stderr.write(`pare dev: ${message}\n`);
  if (worker && worker.exitCode === null) worker.kill('SIGINT');
  process.exit(1);
}

/** The admin token lives in .dev.vars (gitignored), which wrangler reads as the worker's secrets. */
function ensureAdminToken(): string {
  const file = path.join(root, '.dev.vars');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const found = /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?/m.exec(text)?.[1]?.trim();
  if (found) return found;
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${text}${text && !text.endsWith('\n') ? '\n' : ''}ADMIN_TOKEN="${token}"\n`, { mode: 0o600 });
  step('wrote a new admin token to .dev.vars');
  return token;
}

function applyMigrations(): void {
  step('applying D1 migrations (infra/migrations) to the local database');
  const result = spawnSync(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local'], { cwd: root, env: { ...childEnv, CI: '1' }, encoding: 'utf8' });
  if (result.status !== 0) fail(`migrations failed:\n${result.stdout}\n${result.stderr}`);
}

async function waitUntilLive(url: string, child: ChildProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`wrangler dev exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/v2/health/live`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  fail(`the worker did not answer on ${url} within ${timeoutMs / 1000} s`);
}

function exampleInput(width: number): number[][] {
  return [Array.from({ length: width }, (_, i) => Number((Math.sin(i) * 0.5).toFixed(3)))];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8787' }, 'no-seed': { type: 'boolean', default: false } }, allowPositionals: false });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`--port must be a TCP port number, got "${values.port}"`);
  const url = `http://127.0.0.1:${port}`;
  const token = ensureAdminToken();
  applyMigrations();

  step(`starting the worker (wrangler dev, local mode) on ${url}`);
  const child = spawn(wrangler, ['dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--show-interactive-dev-session=false'], { cwd: root, env: childEnv, stdio: ['ignore', 'inherit', 'inherit'] });
  worker = child;
  const stop = (): void => {
    if (child.exitCode === null) child.kill('SIGINT');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => process.exit(code ?? 0));
  await waitUntilLive(url, child);

  let textModel: string | undefined;
  if (!values['no-seed']) {
    const client = new EdgeClient({ endpoint: url, token });
    // A model already deployed (an earlier `npm run dev` on the same local D1) keeps the traffic split it has.
    const existing = new Map((await client.listModels()).models.filter((m) => m.deploymentVersion > 0).map((m) => [m.name, m.variants]));
    const setSplit = async (model: string, split: Record<string, number>): Promise<void> => {
      const found = existing.get(model);
      if (found) {
        step(`traffic split of ${model} kept as found: ${found.filter((v) => v.weight > 0).map((v) => `${v.name}=${v.weight}`).join(' ')}`);
        return;
      }
      await client.setTraffic(model, split);
      step(`traffic split of ${model}: ${Object.entries(split).map(([k, w]) => `${k}=${w}`).join(' ')}`);
    };
    step(`building the default model "${DEFAULT_MODEL_NAME}" and its int8 variant`);
    const variants = await buildDefaultVariants();
    for (const v of variants) {
      const result = await client.deployVariant({ model: DEFAULT_MODEL_NAME, variant: v.variant, bytes: v.bytes, manifest: v.manifest });
      step(`deployed ${DEFAULT_MODEL_NAME}/${v.variant}: ${v.bytes.byteLength} bytes, sha256 ${result.sha256.slice(0, 12)}… (${result.created ? 'new' : 'already there'})`);
    }
    await setSplit(DEFAULT_MODEL_NAME, { fp32: 50, int8: 50 });

    const committed = findCommittedVariants(path.join(root, 'infra', 'models'));
    for (const model of new Set(committed.map((c) => c.model))) {
      const ofModel = committed.filter((c) => c.model === model);
      for (const v of ofModel) {
        const result = await client.deployVariant({ model, variant: v.variant, bytes: v.bytes, manifest: v.manifest });
        step(`deployed ${model}/${v.variant}: ${v.bytes.byteLength} bytes, sha256 ${result.sha256.slice(0, 12)}… (${result.created ? 'new' : 'already there'})`);
      }
      await setSplit(model, devSplit(ofModel.map((v) => v.variant)));
      if (ofModel[0]!.manifest.task === 'text-classification') textModel ??= model;
    }
  }

  const input = exampleInput(64);
  const check = await fetch(`${url}/v1/models/${DEFAULT_MODEL_NAME}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-pare-unit': 'alice' }, body: JSON.stringify({ inputs: { input } }) });
  if (!check.ok) fail(`the example request failed: ${check.status} ${await check.text()}`);
  const body = JSON.stringify({ inputs: { input } });
  // The trained text model, when one is committed, is what a newcomer wants to try first.
  const primary = textModel ?? DEFAULT_MODEL_NAME;
  process.stdout.write(
    [
      '',
      `Pare edge is running at ${url}  (Ctrl-C stops it)`,
      `  models        ${url}/v1/models`,
      `  predict       POST ${url}/v1/models/${primary}/predict`,
      `  OIP v2        ${url}/v2/models/${primary}   (POST …/infer, …/versions/<variant>/infer)`,
      `  stats         ${url}/v1/models/${primary}/stats?window=15m`,
      `  prometheus    ${url}/metrics`,
      `  dashboard     ${url}/dashboard   (sign in with the admin token below)`,
      `  admin token   ${token}   (from .dev.vars; the pare CLI reads it for local endpoints, or export PARE_TOKEN)`,
      '',
      'Try:',
      ...(textModel ? [`  curl -s ${url}/v1/models/${textModel}/predict -H 'content-type: application/json' -H 'x-pare-unit: alice' -d '{"text":"WIN a FREE prize now, click here"}'`] : []),
      `  curl -s ${url}/v1/models/${DEFAULT_MODEL_NAME}/predict -H 'content-type: application/json' -H 'x-pare-unit: alice' -d '${body}'`,
      `  node apps/cli/bin/pare.js models --endpoint ${url}`,
      '',
    ].join('\n'),
  );
}

main().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));

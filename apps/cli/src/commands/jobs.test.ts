// `pare jobs`, `pare job` and `pare distill` against a real origin process (SQLite backend, real
// onnxruntime-node), as a user runs them.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyFixture } from '../../../origin/test/tinyDataset';
import { runPare as runPareAs } from '../../test/runPare';

const SERVER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../origin/src/server.ts');
const TOKEN = 'cli-test-origin-token-0123456789abcdef';
const EDGE = 'http://127.0.0.1:9';
let origin: ChildProcess;
let url: string;
let dataDir: string;
const fixture = tinyFixture(20, 5);

/** `pare`, with the origin's token in PARE_ORIGIN_TOKEN unless `env` says otherwise. */
const runPare = (args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) =>
  runPareAs(args, { ...options, env: { PARE_ORIGIN_TOKEN: TOKEN, ...options.env } });

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pare-cli-origin-'));
  origin = spawn(process.execPath, ['--import', 'tsx', SERVER, '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, REDIS_URL: '', PARE_ORIGIN_TOKEN: TOKEN, PARE_DATA_ROOTS: fixture.dir, PARE_EDGE_URLS: EDGE },
  });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    origin.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    origin.once('exit', (code) => reject(new Error(`origin exited (${code})`)));
  });
});

afterAll(async () => {
  const exited = new Promise((resolve) => origin.once('exit', resolve));
  origin.kill('SIGTERM');
  await exited;
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(fixture.dir, { recursive: true, force: true });
});

async function submitEvaluate(): Promise<string> {
  const response = await fetch(`${url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ type: 'evaluate', model: fixture.model, data: fixture.data }) });
  return ((await response.json()) as { id: string }).id;
}

describe('pare job / jobs', () => {
  it('follows a job to the end and shows its metrics', async () => {
    const id = await submitEvaluate();
    const r = await runPare(['job', id, '--follow', '--origin', url]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${id}  evaluate  succeeded  100%`);
    expect(r.stdout).toMatch(/accuracy: 0\.8000/);
    expect(r.stdout).toContain(`GET /jobs/${id}/artifacts/evaluation.json`);

    const json = await runPare(['job', id, '--json', '--origin', url]);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, state: 'succeeded', metrics: { accuracy: 0.8 } });

    const saved = path.join(fixture.dir, 'evaluation-copy.json');
    const download = await runPare(['job', id, '--download', 'evaluation.json', '-o', saved, '--origin', url]);
    expect(download.code, download.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(saved, 'utf8')).accuracy).toBe(0.8);

    // A folder that does not exist is a message and exit 1, not a stack trace.
    const nowhere = path.join(fixture.dir, 'no-such-folder', 'evaluation.json');
    const refused = await runPare(['job', id, '--download', 'evaluation.json', '-o', nowhere, '--origin', url]);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain('does not exist');
    expect(refused.stderr).not.toContain('unexpected error');
  });

  it('lists jobs as a table and as JSON, filtered by state', async () => {
    const table = await runPare(['jobs', '--origin', url]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/evaluate .*succeeded .*100%/);
    const json = await runPare(['jobs', '--state', 'failed', '--json', '--origin', url]);
    expect(JSON.parse(json.stdout).jobs.every((j: { state: string }) => j.state === 'failed')).toBe(true);
  });

  it("reports the origin's errors and an unreachable origin with a message, exit 1", async () => {
    const missing = await runPare(['job', 'job_nope', '--origin', url]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No job with id "job_nope"');
    const down = await runPare(['jobs', '--origin', 'http://127.0.0.1:9']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/Cannot reach the origin at http:\/\/127\.0\.0\.1:9/);
  });
});

describe('the origin token', () => {
  it('comes from --origin-token, PARE_ORIGIN_TOKEN or, for a local origin, .pare/origin.token in the working directory', async () => {
    const flag = await runPare(['jobs', '--origin', url, '--origin-token', TOKEN], { env: { PARE_ORIGIN_TOKEN: '' } });
    expect(flag.code, flag.stderr).toBe(0);
    const checkout = fs.mkdtempSync(path.join(os.tmpdir(), 'pare-cli-checkout-'));
    try {
      fs.mkdirSync(path.join(checkout, '.pare'));
      fs.writeFileSync(path.join(checkout, '.pare', 'origin.token'), `${TOKEN}\n`, { mode: 0o600 });
      const local = await runPare(['jobs', '--origin', url], { cwd: checkout, env: { PARE_ORIGIN_TOKEN: '' } });
      expect(local.code, local.stderr).toBe(0);
    } finally {
      fs.rmSync(checkout, { recursive: true, force: true });
    }
  });

  it('a missing or wrong token is a message and exit 1', async () => {
    const none = await runPare(['jobs', '--origin', url], { cwd: fixture.dir, env: { PARE_ORIGIN_TOKEN: '' } });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('This origin needs its token');
    const wrong = await runPare(['job', 'job_nope', '--origin', url, '--origin-token', 'w'.repeat(40)]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('The origin token is wrong');
  });
});

describe('pare distill', () => {
  it('submits a distill spec built from the flags (configs inlined, local paths made absolute)', async () => {
    const student = path.join(fixture.dir, 'student.json');
    fs.writeFileSync(student, JSON.stringify({ size: { layers: 1, dModel: 32 }, epochs: 1 }));
    const r = await runPare(['distill', '--teacher', fixture.model, '--student', student, '--temperature', '3', '--alpha', '0.6', '--limit', '40', '--no-follow', '--json', '--origin', url]);
    expect(r.code, r.stderr).toBe(0);
    const job = JSON.parse(r.stdout);
    expect(job).toMatchObject({
      type: 'distill',
      state: 'queued',
      spec: { teacher: fixture.model, data: 'spam-assassin', student: { size: { layers: 1, dModel: 32 }, epochs: 1 }, temperature: 3, alpha: 0.6, limit: 40 },
    });
    await runPare(['job', job.id, '--cancel', '--origin', url]);
  });

  it('sends your own texts, a bag student and a target false-positive rate', async () => {
    const texts = path.join(fixture.dir, 'texts.csv');
    fs.writeFileSync(texts, 'body,y\nhello,ham\n');
    const r = await runPare(['distill', '--teacher', fixture.model, '--data', texts, '--text-field', 'body', '--label-field', 'y', '--student', 'bag', '--target-fpr', '0.005', '--positive', 'spam', '--no-follow', '--json', '--origin', url]);
    expect(r.code, r.stderr).toBe(0);
    const job = JSON.parse(r.stdout);
    expect(job.spec).toMatchObject({ data: texts, textField: 'body', labelField: 'y', student: { family: 'bag' }, targetFpr: 0.005, positive: 'spam' });
    await runPare(['job', job.id, '--cancel', '--origin', url]);
    const alone = await runPare(['distill', '--target-fpr', '0.01', '--origin', url]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--target-fpr needs --positive');
  });

  it('an --output-dir that cannot be made is a message and exit 1, not a stack trace', async () => {
    const blocker = path.join(fixture.dir, 'a-file');
    fs.writeFileSync(blocker, 'not a folder');
    const r = await runPare(['distill', '--limit', '24', '--output-dir', path.join(blocker, 'out'), '--origin', url]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(path.join(blocker, 'out'));
    expect(r.stderr).not.toContain('unexpected error');
  }, 120_000);

  it("--publish without a URL publishes to the origin's only edge; another edge is refused", async () => {
    const r = await runPare(['distill', '--publish', '--limit', '24', '--no-follow', '--json', '--origin', url]);
    expect(r.code, r.stderr).toBe(0);
    const job = JSON.parse(r.stdout);
    expect(job.spec.publish).toEqual({ edge: EDGE, model: 'spam', variant: 'student' });
    await runPare(['job', job.id, '--cancel', '--origin', url]);
    const elsewhere = await runPare(['distill', '--publish', 'https://elsewhere.example', '--origin', url]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain('https://elsewhere.example is not an edge this origin publishes to');
  });

  it('refuses a bad spec before anything runs, naming the field', async () => {
    const r = await runPare(['distill', '--publish', 'not-a-url', '--origin', url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/publish\.edge/);
  });
});

// `pare jobs`, `pare job` and `pare distill` against a real origin process (SQLite backend, real
// onnxruntime-node), as a user runs them.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyFixture } from '../../../origin/test/tinyDataset';
import { runPare } from '../../test/runPare';

const SERVER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../origin/src/server.ts');
let origin: ChildProcess;
let url: string;
let dataDir: string;
const fixture = tinyFixture(20, 5);

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pare-cli-origin-'));
  origin = spawn(process.execPath, ['--import', 'tsx', SERVER, '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, REDIS_URL: '' } });
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
  const response = await fetch(`${url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'evaluate', model: fixture.model, data: fixture.data }) });
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

  it('an --output-dir that cannot be made is a message and exit 1, not a stack trace', async () => {
    const blocker = path.join(fixture.dir, 'a-file');
    fs.writeFileSync(blocker, 'not a folder');
    const r = await runPare(['distill', '--limit', '24', '--output-dir', path.join(blocker, 'out'), '--origin', url]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(path.join(blocker, 'out'));
    expect(r.stderr).not.toContain('unexpected error');
  }, 120_000);

  it('refuses a bad spec before anything runs, naming the field', async () => {
    const r = await runPare(['distill', '--publish', 'not-a-url', '--origin', url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/publish\.edge/);
  });
});

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createOrigin, type Origin } from '../origin';
import { overHttp, serveApp, submitRefused, settled, submit, TEST_TOKEN, waitForJob, type Fetcher, type ServedApp } from '../../test/originHarness';
import { sleepyRef } from '../../test/handlerRefs';
import { tinyFixture } from '../../test/tinyDataset';
import { admitJob } from './admitJob';
import { canonicalRoot, confineFileRef } from './confineFileRef';
import { parseJobSpec } from './jobSpec';

// What a job may read and where it may publish, checked at submission against the origin's configuration,
// over real HTTP: refusals are 400s and queue nothing.

const EDGE = 'https://edge.example.test';
const fixture = tinyFixture(8);
let dataDir: string;
let origin: Origin;
let served: ServedApp;
let api: Fetcher;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'pare-origin-admit-'));
  origin = await createOrigin({
    token: TEST_TOKEN, dataDir, dataRoots: [fixture.dir], edgeUrls: [`${EDGE}/`],
    handlers: { distill: sleepyRef(10, 1) },
  });
  served = await serveApp(origin.app);
  api = overHttp(served.url);
});

afterAll(async () => {
  await served.close();
  await origin.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(fixture.dir, { recursive: true, force: true });
});

const refused = (spec: unknown) => submitRefused(origin.service, api, spec);

describe('publish targets', () => {
  test('an edge that is not configured is refused at submission', async () => {
    const answer = await refused({ type: 'distill', publish: { edge: 'https://attacker.example', model: 'spam', variant: 'student' } });
    expect(answer).toMatchObject({ status: 400, code: 'job_spec_invalid', field: 'publish.edge' });
    expect(answer.message).toContain('https://attacker.example is not an edge this origin publishes to');
  });

  test("publish.edge defaults to the origin's only edge; a listed one is accepted", async () => {
    const omitted = await submit(api, { type: 'distill', publish: { model: 'spam', variant: 'student' } });
    expect(omitted.spec).toMatchObject({ publish: { edge: EDGE } });
    const listed = await submit(api, { type: 'distill', publish: { edge: `${EDGE}/`, model: 'spam', variant: 'student' } });
    expect(listed.spec).toMatchObject({ publish: { edge: EDGE } });
    await waitForJob(api, listed.id, settled);
  });

  test('with no edge, or several, an omitted publish.edge is refused', () => {
    const spec = parseJobSpec({ type: 'distill', publish: { model: 'spam', variant: 'student' } });
    const policy = { dataRoots: [], fetchHosts: [] };
    expect(() => admitJob(spec, { ...policy, edgeUrls: [] })).toThrow(/publish\.edge: missing.*no edge \(PARE_EDGE_URLS is empty\)/);
    expect(() => admitJob(spec, { ...policy, edgeUrls: ['https://a.example', 'https://b.example'] })).toThrow(/publish\.edge: missing; this origin cannot choose/);
  });
});

describe('a deployed teacher', () => {
  const policy = { dataRoots: [], fetchHosts: [], edgeUrls: [EDGE] };

  test('<edge-url>/<model>/<variant> under a configured edge becomes teacherVariant', () => {
    const admitted = admitJob(parseJobSpec({ type: 'distill', teacher: `${EDGE}/spam/student-int8/` }), policy);
    expect(admitted).toMatchObject({ teacher: `${EDGE}/spam/student-int8/`, teacherVariant: { edge: EDGE, model: 'spam', variant: 'student-int8' } });
  });

  test('the same shape on another host is a URL to confine, and a teacherVariant on another edge is refused', () => {
    expect(() => admitJob(parseJobSpec({ type: 'distill', teacher: 'https://attacker.example/spam/fp32' }), policy)).toThrow(/^teacher: https:\/\/attacker\.example\/spam\/fp32 is a URL this origin does not fetch/);
    expect(() => admitJob(parseJobSpec({ type: 'distill', teacher: `${EDGE}/spam/fp32/extra` }), policy)).toThrow(/^teacher: .* is a URL this origin does not fetch/);
    const elsewhere = parseJobSpec({ type: 'distill', teacherVariant: { edge: 'https://attacker.example', model: 'spam', variant: 'fp32' } });
    expect(() => admitJob(elsewhere, policy)).toThrow(/teacherVariant\.edge: https:\/\/attacker\.example is not an edge this origin reads teachers from/);
  });
});

describe('file paths', () => {
  test('a path outside the roots, a `..` escape, a symlink out and a URL are refused with input_invalid', async () => {
    const link = join(fixture.dir, 'link-out');
    symlinkSync('/etc', link);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ type: 'batch-infer', model: fixture.model, data: '/etc/passwd' }, 'data'],
      [{ type: 'batch-infer', model: `${fixture.dir}/../../etc/passwd.onnx`, data: fixture.data }, 'model'],
      [{ type: 'evaluate', model: fixture.model, data: fixture.data, manifest: join(link, 'passwd') }, 'manifest'],
      [{ type: 'batch-infer', model: 'relative/model.onnx', data: fixture.data }, 'model'],
      [{ type: 'evaluate', model: 'http://169.254.169.254/latest/meta-data', data: fixture.data }, 'model'],
      [{ type: 'evaluate', model: fixture.model, data: 'file:///etc/passwd' }, 'data'],
      [{ type: 'compress', model: fixture.model, calibration: '/etc/shadow' }, 'calibration'],
      [{ type: 'distill', teacher: '/etc/model.onnx' }, 'teacher'],
      [{ type: 'distill', teacher: fixture.model, teacherManifest: '/etc/manifest.json' }, 'teacherManifest'],
    ];
    for (const [spec, field] of cases) {
      const answer = await refused(spec);
      expect(answer, JSON.stringify(spec)).toMatchObject({ status: 400, code: 'input_invalid', field });
      expect(answer.message.startsWith(`${field}: `)).toBe(true);
    }
  });

  test('paths inside a root, built-in datasets and URLs on PARE_FETCH_HOSTS pass', () => {
    const policy = { dataRoots: [canonicalRoot(fixture.dir)], fetchHosts: ['models.example.com', '127.0.0.1:9000'] };
    mkdirSync(join(fixture.dir, 'sub'), { recursive: true });
    expect(() => confineFileRef(join(fixture.dir, 'sub', '..', 'data.jsonl'), 'data', policy)).not.toThrow();
    expect(() => confineFileRef(join(fixture.dir, 'not-made-yet', 'x.onnx'), 'model', policy)).not.toThrow();
    expect(() => confineFileRef('https://models.example.com/m.onnx', 'model', policy)).not.toThrow();
    expect(() => confineFileRef('http://127.0.0.1:9000/m.onnx', 'model', policy)).not.toThrow();
    expect(() => confineFileRef('http://127.0.0.1:9001/m.onnx', 'model', policy)).toThrow(/only http\(s\) URLs on models\.example\.com, 127\.0\.0\.1:9000/);
    expect(() => confineFileRef('ftp://models.example.com/m.onnx', 'model', policy)).toThrow(/input|URL/);
    expect(() => admitJob(parseJobSpec({ type: 'evaluate', model: fixture.model, data: 'spam-assassin' }), { ...policy, edgeUrls: [] })).not.toThrow();
  });

  test("a malformed data file's error names the file and line, never its content", async () => {
    const jsonl = join(fixture.dir, 'secret.jsonl');
    writeFileSync(jsonl, `${JSON.stringify({ inputs: { x: [1, 2, 3, 4] } })}\nroot:x:0:0:TOP-SECRET-LINE\n`);
    const array = join(fixture.dir, 'secret.json');
    writeFileSync(array, '[\n  {"inputs": {"x": [1, 2, 3, 4]}},\n  {"inputs": {"x": [1, 2, 3, 4]} "TOP-SECRET-VALUE"}\n]\n');
    // JSON.parse gives no position for an unexpected token; the file alone is named then.
    const noPosition = join(fixture.dir, 'secret-token.json');
    writeFileSync(noPosition, '[\n  {"inputs": TOP-SECRET-VALUE}\n]\n');
    for (const [data, where] of [[jsonl, ' line 2'], [array, ' line 3'], [noPosition, '']] as const) {
      const job = await submit(api, { type: 'batch-infer', model: fixture.model, data });
      const done = await waitForJob(api, job.id, settled);
      expect(done.state).toBe('failed');
      expect(done.error).toEqual({ code: 'dataset_invalid', message: `data: ${data}${where} is not valid JSON.` });
      expect(JSON.stringify(done)).not.toContain('TOP-SECRET');
    }
  });
});

// docs/deploy.md against the repository: every resource wrangler.toml binds is created in the guide, both
// placeholder ids are named, the CPU limit matches, and both workers build offline (`wrangler deploy --dry-run`)
// at the sizes the guide's plan advice rests on.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const guide = read('docs/deploy.md');
const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';
const out = mkdtempSync(path.join(tmpdir(), 'pare-deploy-doc-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** `key = "value"` pairs of a TOML file (the few this test reads are all plain strings or numbers). */
function values(toml: string, key: string): string[] {
  return [...toml.matchAll(new RegExp(`^\\s*${key}\\s*=\\s*"?([^"\\n]+?)"?\\s*$`, 'gm'))].map((m) => m[1]!);
}

function dryRun(config: string): { kib: number; gzipKib: number } {
  const run = spawnSync(path.join(root, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', path.join(out, path.basename(config)), '-c', config], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', NO_UPDATE_NOTIFIER: '1', CI: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const text = `${run.stdout}\n${run.stderr}`;
  expect(run.status, text).toBe(0);
  const m = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(text);
  expect(m, text).not.toBeNull();
  return { kib: Number(m![1]), gzipKib: Number(m![2]) };
}

describe('docs/deploy.md', () => {
  const wrangler = read('wrangler.toml');
  const tail = read('infra/wrangler.tail.toml');

  it('creates every resource wrangler.toml binds', () => {
    const bucket = values(wrangler, 'bucket_name');
    const database = values(wrangler, 'database_name');
    const queues = [...new Set([...values(wrangler, 'queue'), ...values(wrangler, 'dead_letter_queue')])];
    expect(bucket).toEqual(['pare-models']);
    expect(queues.length).toBeGreaterThanOrEqual(2);
    for (const name of bucket) expect(guide).toContain(`wrangler r2 bucket create ${name}`);
    for (const name of database) expect(guide).toContain(`wrangler d1 create ${name}`);
    for (const name of queues) expect(guide).toContain(`wrangler queues create ${name}`);
    expect(guide).toContain('wrangler d1 migrations apply DB --remote');
    expect(guide).toContain('wrangler secret put ADMIN_TOKEN');
  });

  it('names both files that hold the placeholder database id, and the tail consumer to add', () => {
    for (const [file, toml] of [['wrangler.toml', wrangler], ['infra/wrangler.tail.toml', tail]] as const) {
      expect(values(toml, 'database_id')).toEqual([PLACEHOLDER_ID]);
      expect(guide).toContain(`\`${file}\``);
    }
    expect(guide).toContain(PLACEHOLDER_ID);
    expect(guide).toContain(`tail_consumers = [{ service = "${values(tail, 'name')[0]}" }]`);
  });

  it('states the CPU limit wrangler.toml sets', () => {
    const [cpuMs] = values(wrangler, 'cpu_ms');
    expect(Number(cpuMs)).toBeGreaterThan(0);
    expect(guide).toContain(`[limits]\ncpu_ms = ${cpuMs}`);
  });

  it('builds both workers offline, at a size over the free plan\'s 3 MB gzipped and under the paid 10 MB', () => {
    const edge = dryRun('wrangler.toml');
    const stated = /about (\d+) MiB, ([\d.]+) MiB gzipped/.exec(guide);
    expect(stated).not.toBeNull();
    // The guide's figures are rounded; they must stay near what wrangler builds.
    expect(Math.abs(edge.kib / 1024 - Number(stated![1])) / Number(stated![1])).toBeLessThan(0.25);
    expect(Math.abs(edge.gzipKib / 1024 - Number(stated![2])) / Number(stated![2])).toBeLessThan(0.25);
    expect(edge.gzipKib * 1024).toBeGreaterThan(3e6);
    expect(edge.gzipKib * 1024).toBeLessThan(10e6);
    const tailWorker = dryRun('infra/wrangler.tail.toml');
    expect(tailWorker.gzipKib).toBeGreaterThan(0);
  });
});

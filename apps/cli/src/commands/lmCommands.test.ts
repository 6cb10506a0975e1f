// Decoder LM folders through the real `pare` bin: inspect says whether the export has a key/value cache and what
// generating costs without one; compress writes a 4-bit variant folder; eval gives both perplexities and the
// next-token top-1 agreement on the user's texts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runPare } from '../../test/runPare';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const LM = path.join(ROOT, 'packages/runtime/test/fixtures/lm');
const dir = mkdtempSync(path.join(tmpdir(), 'pare-lm-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pare = (...args: string[]) => runPare(args, { cwd: ROOT });

describe('pare with a decoder LM folder', () => {
  it('inspect says whether there is a cache, and what recomputing costs', async () => {
    const cached = await pare('inspect', path.join(LM, 'llama-sotu'));
    expect(cached.code).toBe(0);
    expect(cached.stdout).toMatch(/task\s+text-generation/);
    expect(cached.stdout).toMatch(/kv cache\s+yes: 2 layers × key\/value, 2 heads × 16 \(float32\)/);
    expect(cached.stdout).toMatch(/past_key_values\.0\.key\s+the previous step's present\.0\.key/);
    const recompute = await pare('inspect', path.join(LM, 'gpt2-sotu-nocache'));
    expect(recompute.stdout).toMatch(/kv cache\s+no: every new token reruns the whole sequence/);
    expect(recompute.stdout).toMatch(/32 new tokens after a 96-token prompt run 3,568 positions \(28× the 127 of a cached export/);
  });

  it('compress writes a 4-bit folder that eval scores against its source', async () => {
    const out = path.join(dir, 'gpt2-int4');
    const c = await pare('compress', path.join(LM, 'gpt2-sotu'), '-o', out, '--quantize', 'int4-weights', '--no-eval', '--json');
    expect(c.code, c.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.task).toBe('text-generation');
    expect(manifest.generation.cache.pairs).toHaveLength(4);
    const texts = path.join(dir, 'texts.jsonl');
    writeFileSync(texts, readFileSync(path.join(LM, 'texts.jsonl'), 'utf8').split('\n').slice(0, 20).join('\n'));
    const e = await pare('eval', out, '--reference', path.join(LM, 'gpt2-sotu'), '--data', texts, '--json');
    expect(e.code, e.stderr).toBe(0);
    const report = JSON.parse(e.stdout);
    expect(report).toMatchObject({ task: 'text-generation', texts: 20 });
    expect(report.perplexityRatio).toBeGreaterThan(0.9);
    expect(report.perplexityRatio).toBeLessThan(1.1);
    expect(report.top1Agreement).toBeGreaterThan(0.8);
    const text = await pare('eval', out, '--reference', path.join(LM, 'gpt2-sotu'), '--data', texts);
    expect(text.stdout).toMatch(/perplexity\s+[\d.]+ vs [\d.]+ \(×[\d.]+\)/);
    expect(text.stdout).toMatch(/top-1 agreement\s+[\d.]+% of next-token predictions/);
  });
});

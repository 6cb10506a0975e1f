// Decoder LM folders through the real `pare` bin: inspect says whether the export has a key/value cache and what
// generating costs without one; compress writes a 4-bit variant folder, or fits one to a perplexity target; eval
// gives both perplexities and the next-token top-1 agreement on the user's texts.
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

  it('compress --max-perplexity-increase picks the smallest candidate within it, judged on --data texts', async () => {
    const texts = path.join(dir, 'texts12.jsonl');
    writeFileSync(texts, readFileSync(path.join(LM, 'texts.jsonl'), 'utf8').split('\n').slice(0, 12).join('\n'));
    const out = path.join(dir, 'llama-fit');
    const c = await pare('compress', path.join(LM, 'llama-sotu'), '-o', out, '--quantize', 'int4-weights', '--max-perplexity-increase', '5%', '--data', texts, '--no-eval', '--json');
    expect(c.code, c.stderr).toBe(0);
    const report = JSON.parse(c.stdout);
    expect(report.fit.perplexity).toMatchObject({ maxIncrease: 0.05, texts: { source: texts, count: 12, representative: true } });
    const judged = report.fit.candidates.filter((x: { error?: string }) => !x.error);
    expect(judged.length).toBeGreaterThanOrEqual(3);
    for (const x of judged) expect(x.perplexity.ratio).toBeGreaterThan(0);
    const within = judged.filter((x: { perplexity: { ratio: number } }) => x.perplexity.ratio <= 1.05);
    expect(report.after.bytes).toBe(Math.min(...within.map((x: { bytes: number }) => x.bytes)));
    expect(report.ratio.raw).toBeLessThanOrEqual(0.2);
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).task).toBe('text-generation');
  }, 600_000);

  it('compress --max-perplexity-increase without --data says its texts are the built-in ones', async () => {
    const c = await pare('compress', path.join(LM, 'gpt2-sotu'), '-o', path.join(dir, 'gpt2-fit'), '--quantize', 'int4-weights', '--block-size', '32', '--max-perplexity-increase', '0.5', '--no-eval');
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/perplexity measured on the 8 built-in texts of pare \(short mixed sentences; give --data texts\.jsonl/);
    expect(c.stdout).toMatch(/perplexity ≤ 1\.5000 × the original's [\d.]+, smallest wins/);
    expect(c.stdout).toMatch(/× original/);
  }, 600_000);

  it.each([
    ['a bare number of 1 or more', ['5'], /--max-perplexity-increase takes a percentage such as 5% or a fraction such as 0\.05.*got "5"/],
    ['zero', ['0%'], /got "0%"/],
    ['a negative value', ['-5%'], /got "-5%"/],
    ['words', ['five'], /got "five"/],
  ])('compress --max-perplexity-increase refuses %s (usage, exit 2)', async (_what, value, message) => {
    const c = await pare('compress', path.join(LM, 'llama-sotu'), '-o', path.join(dir, 'bad'), '--max-perplexity-increase', ...value);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(message);
  });

  it('compress --embedding-bits 8 keeps the tables int8; other values are usage errors', async () => {
    const c = await pare('compress', path.join(LM, 'llama-sotu'), '-o', path.join(dir, 'llama-int8-tables'), '--quantize', 'int4-weights', '--embedding-bits', '8', '--no-eval', '--json');
    expect(c.code, c.stderr).toBe(0);
    const report = JSON.parse(c.stdout);
    expect(report.configuration).toBe('int4-weights block 32 int8 tables');
    expect(report.steps.find((s: { step: string }) => s.step === 'quantize-int4-weights').notes.join(' ')).not.toMatch(/GatherBlockQuantized/);
    const bad = await pare('compress', path.join(LM, 'llama-sotu'), '-o', path.join(dir, 'z'), '--quantize', 'int4-weights', '--embedding-bits', '3');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--embedding-bits takes 4 or 8; got 3/);
  });

  it('compress --max-perplexity-increase needs a text-generation folder; --data needs the target', async () => {
    const file = await pare('compress', path.join(LM, 'llama-sotu', 'model.onnx'), '-o', path.join(dir, 'x.onnx'), '--max-perplexity-increase', '5%');
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/--max-perplexity-increase needs a text-generation model folder/);
    const data = await pare('compress', path.join(LM, 'llama-sotu'), '-o', path.join(dir, 'y'), '--quantize', 'int4-weights', '--data', path.join(LM, 'texts.jsonl'));
    expect(data.code).toBe(2);
    expect(data.stderr).toMatch(/--data only applies with --max-perplexity-increase/);
  });
});

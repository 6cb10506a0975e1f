import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseManifest } from '@pare/runtime';
import { describe, expect, it } from 'vitest';
import { loadSpamAssassin } from './data/spamAssassin';
import { readTextRecords } from './data/textRecords';
import { distillTexts } from './distillTexts';

// A user's own texts in a file, a teacher given as ONNX + manifest (the committed student-int8 stands in for one),
// and the cache that lets a retried job skip the teacher.

const committed = resolve(dirname(fileURLToPath(import.meta.url)), '../../../infra/models/spam/student-int8');
const teacher = { kind: 'onnx' as const, bytes: new Uint8Array(readFileSync(join(committed, 'model.onnx'))), manifest: parseManifest(JSON.parse(readFileSync(join(committed, 'manifest.json'), 'utf8'))) };
const dir = mkdtempSync(join(tmpdir(), 'pare-distill-texts-'));

describe('readTextRecords', () => {
  it('reads JSONL, CSV with quoted multi-line fields, and plain lines', async () => {
    const read = async (name: string, body: string, o = {}) => {
      writeFileSync(join(dir, name), body);
      const out = [];
      for await (const r of readTextRecords(join(dir, name), o)) out.push(r);
      return out;
    };
    expect(await read('a.jsonl', '{"body":"hi","y":"ham"}\n\n{"body":"win"}\n', { textField: 'body', labelField: 'y' })).toEqual([{ text: 'hi', label: 'ham', line: 1 }, { text: 'win', line: 3 }]);
    expect(await read('b.csv', 'id,text,label\n1,"Hello, ""you""\nsecond line",ham\n2,plain,spam\n')).toEqual([{ text: 'Hello, "you"\nsecond line', label: 'ham', line: 2 }, { text: 'plain', label: 'spam', line: 4 }]);
    expect(await read('c.txt', 'one\n\ntwo\n')).toEqual([{ text: 'one', line: 1 }, { text: 'two', line: 3 }]);
    await expect(read('d.jsonl', '{"x":1}\n')).rejects.toThrow(/line 1 has no string field "text"/);
    await expect(read('e.csv', 'a,b\n1,2\n')).rejects.toThrow(/no column "text" \(columns: a, b/);
  });
});

describe('distillTexts', () => {
  const rows = loadSpamAssassin({ seed: 1, limit: 200 });
  const file = join(dir, 'mails.jsonl');
  // Half the rows carry a label, the other half are left for the teacher to label.
  writeFileSync(file, [...rows.train, ...rows.test].map((e, i) => JSON.stringify(i % 2 ? { text: e.text } : { text: e.text, label: e.label ? 'spam' : 'ham' })).join('\n'));
  const cacheDir = join(dir, 'cache');
  const run = () => distillTexts({ data: { path: file }, teacher, cacheDir, seed: 2, targetFpr: 0.01, positive: 'spam', student: { buckets: 2048, dim: 8, epochs: 3 } });

  it('learns the teacher from a file, caches its outputs, and a second run reads them back', async () => {
    const first = await run();
    expect(first.teacherFromCache).toBe(false);
    expect(first.dataset.rows).toBe(400);
    expect(first.dataset.train + first.dataset.val + first.dataset.test + first.dataset.duplicatesRemoved).toBe(400);
    expect(first.dataset.val).toBeGreaterThan(10);
    expect(first.teacherAgreement).toBeGreaterThan(0.7);
    expect(first.accuracy).toBeGreaterThan(0.65);
    expect(first.student.manifest.postprocess?.labels).toEqual(['ham', 'spam']);
    expect(first.student.manifest.postprocess?.threshold?.label).toBe('spam');
    // The committed teacher cleans mail at serving time; its student learns from cleaned texts and cleans too.
    expect(first.student.manifest.preprocess?.clean).toBe(teacher.manifest.preprocess?.clean);
    expect(readdirSync(cacheDir)).toHaveLength(1);

    const second = await run();
    expect(second.teacherFromCache).toBe(true);
    expect(second.student.manifest.sha256).toBe(first.student.manifest.sha256);
  }, 120_000);
});

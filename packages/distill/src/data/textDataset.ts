import { createHash } from 'node:crypto';
import { fnv1a32 } from '@pare/runtime';
import { readTextRecords, type TextRecordOptions } from './textRecords';

// A user's texts as train / validation / test splits. Rows stream in from the file and are assigned to a split
// by a hash of their text (with the seed), so the split needs no second pass and no shuffle of the whole file,
// and a text lands in the same split on every run; exact duplicates are dropped. A validation file, when
// given, is the validation split and the rest is cut into train and test.

export interface TextExample {
  id: string;
  text: string;
  /** The label as the file spells it; absent for an unlabelled row. */
  label?: string;
}

export interface TextDataset {
  train: TextExample[];
  val: TextExample[];
  test: TextExample[];
  /** sha256 over every row read (text and label, in file order): with the teacher's hash it keys the cache of soft labels. */
  checksum: string;
  stats: { rows: number; duplicatesRemoved: number; labelled: number };
}

export interface TextDatasetOptions extends TextRecordOptions {
  path: string;
  validationPath?: string;
  seed?: number;
  /** Shares of validation and test when they are cut from the file (default 0.1 each). */
  valFraction?: number;
  testFraction?: number;
  /** Read at most this many rows of the file. */
  limit?: number;
  signal?: AbortSignal;
}

export async function loadTextDataset(o: TextDatasetOptions): Promise<TextDataset> {
  const seed = o.seed ?? 1;
  const valShare = o.validationPath ? 0 : (o.valFraction ?? 0.1);
  const testShare = o.testFraction ?? 0.1;
  const hash = createHash('sha256');
  const seen = new Set<string>();
  const out: TextDataset = { train: [], val: [], test: [], checksum: '', stats: { rows: 0, duplicatesRemoved: 0, labelled: 0 } };
  const take = async (path: string, place: (text: string) => TextExample[]) => {
    for await (const r of readTextRecords(path, o)) {
      if (o.limit !== undefined && out.stats.rows >= o.limit) break;
      if (out.stats.rows % 1024 === 0) o.signal?.throwIfAborted();
      out.stats.rows++;
      hash.update(`${r.text}\0${r.label ?? ''}\0`);
      // Keys are digests, not texts: the set stays small whatever the texts' length.
      const key = createHash('sha1').update(r.text).digest('base64');
      if (seen.has(key)) { out.stats.duplicatesRemoved++; continue; }
      seen.add(key);
      if (r.label !== undefined) out.stats.labelled++;
      place(r.text).push({ id: `${path.split('/').pop()}:${r.line}`, text: r.text, ...(r.label !== undefined ? { label: r.label } : {}) });
    }
  };
  if (o.validationPath) await take(o.validationPath, () => out.val);
  await take(o.path, (text) => {
    const u = fnv1a32(text, seed) / 2 ** 32;
    return u < valShare ? out.val : u < valShare + testShare ? out.test : out.train;
  });
  out.checksum = `sha256:${hash.digest('hex')}`;
  return out;
}

import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { textBatchFeeds, type Manifest, type TextTokenizer } from '@pare/runtime';
import { createOrtSession } from '../export/ortRun';

// The teacher's outputs on every text, computed once: they are the expensive half of a distillation on big
// data, so they are kept on disk under a key made of the teacher's hash, the data's hash and the texts' count,
// and a retried or resumed job reads them back instead of running the teacher again.

export interface TeacherModel { bytes: Uint8Array; manifest: Manifest; tokenizer: TextTokenizer }
export interface TeacherCacheOptions { cacheDir?: string; batchSize?: number; signal?: AbortSignal; onBatch?: (done: number, total: number) => void }

export function teacherCacheKey(teacherSha256: string, dataChecksum: string, texts: number): string {
  return createHash('sha256').update(`${teacherSha256}\0${dataChecksum}\0${texts}`).digest('hex').slice(0, 32);
}

export async function cachedTeacherLogits(teacher: TeacherModel, texts: readonly string[], dataChecksum: string, o: TeacherCacheOptions = {}): Promise<{ logits: Float32Array; fromCache: boolean }> {
  const k = teacher.manifest.postprocess?.labels.length ?? 2;
  const file = o.cacheDir ? join(o.cacheDir, `teacher-${teacherCacheKey(teacher.manifest.sha256, dataChecksum, texts.length)}.f32`) : undefined;
  if (file) {
    const bytes = await readFile(file).catch(() => undefined);
    if (bytes && bytes.byteLength === texts.length * k * 4) return { logits: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), fromCache: true };
  }
  const logits = await teacherLogits(teacher, texts, k, o);
  if (file) {
    await mkdir(o.cacheDir!, { recursive: true });
    // Written whole then renamed: a job killed mid-write leaves no half file for the next one to trust.
    await writeFile(`${file}.partial`, new Uint8Array(logits.buffer, logits.byteOffset, logits.byteLength));
    await rename(`${file}.partial`, file);
  }
  return { logits, fromCache: false };
}

async function teacherLogits(t: TeacherModel, texts: readonly string[], k: number, o: TeacherCacheOptions): Promise<Float32Array> {
  const output = t.manifest.postprocess?.output ?? t.manifest.outputs[0]!.name;
  const session = await createOrtSession(t.bytes, 'node');
  const B = o.batchSize ?? 64;
  const out = new Float32Array(texts.length * k);
  try {
    for (let start = 0; start < texts.length; start += B) {
      o.signal?.throwIfAborted();
      const { feeds } = textBatchFeeds(t.manifest, t.tokenizer, texts.slice(start, start + B));
      out.set((await session.run(feeds))[output]!.data as Float32Array, start * k);
      o.onBatch?.(Math.min(texts.length, start + B), texts.length);
    }
  } finally {
    await session.release();
  }
  return out;
}

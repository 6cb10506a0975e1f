import { readFile } from 'node:fs/promises';
import { PareError } from '@pare/errors';

// A job names its model and data as a path on the origin machine or an http(s) URL (so that workers on
// other machines can fetch the same inputs). Which paths and hosts are allowed was checked at submission
// (../jobs/admitJob.ts); errors here name the ref, never what the file holds.

export async function readFileRef(ref: string, field: string, signal?: AbortSignal): Promise<Uint8Array> {
  if (/^https?:\/\//.test(ref)) {
    const response = await fetch(ref, { signal }).catch((cause: unknown) => {
      throw new PareError('input_unreachable', `${field}: could not fetch ${ref} (${cause instanceof Error ? cause.message : String(cause)}).`, { cause });
    });
    if (!response.ok) throw new PareError('input_unreachable', `${field}: ${ref} answered HTTP ${response.status}.`);
    return new Uint8Array(await response.arrayBuffer());
  }
  try {
    return new Uint8Array(await readFile(ref));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(cause);
    throw new PareError('input_not_found', `${field}: cannot read ${ref} on the origin (${why}).`, { cause });
  }
}

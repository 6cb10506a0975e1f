import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { ArtifactStore, StoredArtifact } from './artifactStore';

// Artifacts in a folder on this machine (`<data dir>/artifacts`): what one origin needs. With several
// workers on one queue only the machine that ran a job has its files; an S3-compatible bucket
// (./s3ArtifactStore.ts) shares them.

export class LocalArtifactStore implements ArtifactStore {
  readonly name = 'local';
  readonly shared = false;

  constructor(private readonly root: string) {}

  async put(key: string, path: string): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    // The attempt's folder is usually on the same disk: a rename is instant; across disks, copy.
    await rename(path, target).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EXDEV') throw error;
      await copyFile(path, target);
    });
  }

  async get(key: string): Promise<StoredArtifact | undefined> {
    const path = this.path(key);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return { body: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>, bytes: info.size };
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.path(key), { force: true })));
  }

  private path(key: string): string {
    return join(this.root, ...key.split('/'));
  }
}

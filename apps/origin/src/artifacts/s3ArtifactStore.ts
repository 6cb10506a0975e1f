import { readFile } from 'node:fs/promises';
import { AwsClient } from 'aws4fetch';
import { PareError } from '@pare/errors';
import type { ArtifactStore, StoredArtifact } from './artifactStore';

// Artifacts in an S3-compatible bucket (Amazon S3, Cloudflare R2, MinIO…), addressed path-style as
// `<endpoint>/<bucket>/<prefix><key>` and signed with SigV4 (aws4fetch). Every origin configured with the same
// bucket serves every job's artifacts, whichever worker ran it, and they outlive that worker's machine.

export interface S3ArtifactOptions {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `auto` suits R2; S3 wants the bucket's region. */
  region?: string;
  /** Put before every key, so deployments can share a bucket. */
  prefix?: string;
}

export class S3ArtifactStore implements ArtifactStore {
  readonly name = 's3';
  readonly shared = true;
  private readonly client: AwsClient;
  private readonly base: string;

  constructor(private readonly options: S3ArtifactOptions) {
    this.client = new AwsClient({ accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey, region: options.region ?? 'auto', service: 's3' });
    this.base = `${options.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(options.bucket)}`;
  }

  async put(key: string, path: string): Promise<void> {
    // Read whole: S3 and R2 want a Content-Length, and a signed payload hash, on a plain PUT.
    const body = await readFile(path);
    const response = await this.send(key, { method: 'PUT', body });
    if (!response.ok) throw await this.failure('PUT', key, response);
  }

  async get(key: string): Promise<StoredArtifact | undefined> {
    const response = await this.send(key, { method: 'GET' });
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok || !response.body) throw await this.failure('GET', key, response);
    return { body: response.body, bytes: Number(response.headers.get('content-length') ?? 0) };
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) {
      const response = await this.send(key, { method: 'DELETE' });
      await response.body?.cancel();
      if (!response.ok && response.status !== 404) throw await this.failure('DELETE', key, response);
    }
  }

  private async send(key: string, init: RequestInit): Promise<Response> {
    const url = `${this.base}/${`${this.options.prefix ?? ''}${key}`.split('/').map(encodeURIComponent).join('/')}`;
    try {
      return await this.client.fetch(url, init);
    } catch (cause) {
      throw new PareError('artifact_store_failed', `The artifact bucket at ${this.options.endpoint} cannot be reached (${cause instanceof Error ? cause.message : String(cause)}).`, { cause });
    }
  }

  private async failure(method: string, key: string, response: Response): Promise<PareError> {
    const text = (await response.text().catch(() => '')).slice(0, 300);
    return new PareError('artifact_store_failed', `${method} ${key} on the artifact bucket ${this.options.bucket} answered HTTP ${response.status}${text ? `: ${text}` : ''}.`);
  }
}

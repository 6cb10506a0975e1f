import type { JobRecord } from '../jobs/jobRecord';

// Where a finished job's artifacts live, behind one interface: a local folder (the embedded default, one
// machine) or an S3-compatible bucket (many machines: any origin serves any job's artifacts). Keys are
// `<job id>/<attempt id>/<name>`, so an attempt that lost its job can never overwrite the owner's files.

export interface StoredArtifact {
  body: ReadableStream<Uint8Array>;
  bytes: number;
}

export interface ArtifactStore {
  /** `local` or `s3`, shown in the origin's startup line. */
  readonly name: string;
  /** Whether every origin sharing the queue reads the same artifacts (a bucket), or only the machine that wrote them. */
  readonly shared: boolean;
  /** Store the file at `path` under `key` (the local store may move it). */
  put(key: string, path: string): Promise<void>;
  /** The artifact, or undefined when this store has none under `key`. */
  get(key: string): Promise<StoredArtifact | undefined>;
  /** Remove keys (an attempt's uploads that lost the job); missing keys are fine. */
  delete(keys: string[]): Promise<void>;
}

/** The key of one artifact of a job's finishing attempt; jobs settled by older origins kept `<job id>/<name>`. */
export function artifactKey(job: Pick<JobRecord, 'id' | 'attemptId'>, name: string): string {
  return job.attemptId ? `${job.id}/${job.attemptId}/${name}` : `${job.id}/${name}`;
}

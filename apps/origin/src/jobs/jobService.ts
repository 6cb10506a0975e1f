import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { PareError } from '@pare/errors';
import { artifactKey, type ArtifactStore, type StoredArtifact } from '../artifacts/artifactStore';
import type { AttemptSandbox } from './attempt/attemptSandbox';
import type { QueueBackend } from './jobQueue';
import { isTerminal, type JobListQuery, type JobLogLine, type JobRecord, type JobWithLogs } from './jobRecord';
import type { JobSpec, JobType } from './jobSpec';
import { JobRunner } from './jobRunner';
import { OriginCounters } from './originCounters';

// What the routes call: submit, read, list and cancel jobs, whatever backend holds them. With `worker` on,
// this process also runs jobs; an API-only origin leaves that to other workers sharing the Redis queue.

export interface JobServiceOptions {
  backend: QueueBackend;
  /** The sandbox each job type's attempts run in (./attempt/). */
  sandboxFor: (type: JobType) => AttemptSandbox;
  artifacts: ArtifactStore;
  /** A folder on this machine where attempts write before their files go to the artifact store. */
  stagingRoot: string;
  worker: boolean;
  maxAttempts?: number;
  workerId?: string;
  cancelPollMs?: number;
  /** How long one attempt of a job may run. */
  maxJobMs?: number;
  /** How much a job may grow the process's resident memory. */
  maxJobMemoryBytes?: number;
}

const READINESS_WATCH_MS = 10_000;

export class JobService {
  readonly workerId: string;
  readonly counters = new OriginCounters();
  private readonly runner: JobRunner;
  private readinessWatch: NodeJS.Timeout | undefined;

  constructor(private readonly options: JobServiceOptions) {
    this.workerId = options.workerId ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
    this.runner = new JobRunner({
      store: options.backend.store,
      sandboxFor: options.sandboxFor,
      artifacts: options.artifacts,
      stagingRoot: options.stagingRoot,
      counters: this.counters,
      workerId: this.workerId,
      cancelPollMs: options.cancelPollMs,
      maxJobMs: options.maxJobMs,
      maxJobMemoryBytes: options.maxJobMemoryBytes,
      requeue: (id) => options.backend.queue.enqueue(id),
    });
  }

  get backendName(): string {
    return this.options.backend.name;
  }

  get isWorker(): boolean {
    return this.options.worker;
  }

  get artifactStoreName(): string {
    return this.options.artifacts.name;
  }

  /** Whether the backend can take and hand out jobs now (GET /readyz); throws `backend_unavailable` saying why not. */
  ready(): Promise<void> {
    return this.options.backend.ready(this.counters);
  }

  async start(): Promise<void> {
    // Readiness is also checked in the background, so a store that lost its data is noticed without a probe.
    this.readinessWatch = setInterval(() => void this.ready().catch(() => undefined), READINESS_WATCH_MS);
    this.readinessWatch.unref();
    if (!this.options.worker) return;
    const { backend } = this.options;
    await backend.recoverInterrupted((id) => backend.queue.enqueue(id), this.counters);
    await backend.queue.startWorker(this.runner.run);
  }

  async submit(spec: JobSpec): Promise<JobRecord> {
    const now = new Date().toISOString();
    const job: JobRecord = {
      id: `job_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
      type: spec.type,
      spec,
      state: 'queued',
      progress: 0,
      message: null,
      metrics: {},
      artifacts: [],
      error: null,
      attempts: 0,
      maxAttempts: this.options.maxAttempts ?? 2,
      cancelRequested: false,
      workerId: null,
      attemptId: null,
      stalls: 0,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      finishedAt: null,
    };
    const { store, queue } = this.options.backend;
    await store.insert(job);
    await store.appendLog(job.id, { at: now, level: 'info', message: `Submitted ${spec.type} job.` });
    await queue.enqueue(job.id);
    return job;
  }

  async get(id: string): Promise<JobWithLogs> {
    const job = await this.options.backend.store.get(id);
    if (!job) throw new PareError('job_not_found', `No job with id "${id}". \`pare jobs\` lists the jobs this origin knows.`, { status: 404 });
    return job;
  }

  /** The job without logs, and its log lines from `from` on: what the events stream polls. */
  async progressOf(id: string, logsFrom: number): Promise<{ job: JobRecord; logs: JobLogLine[] }> {
    const { store } = this.options.backend;
    // The record first: a job's last line lands with its settled state, so logs read after a settled record are complete.
    const job = await store.getRecord(id);
    const logs = job ? await store.logsSince(id, logsFrom) : [];
    if (!job) throw new PareError('job_not_found', `No job with id "${id}".`, { status: 404 });
    return { job, logs };
  }

  list(query: JobListQuery): Promise<JobRecord[]> {
    return this.options.backend.store.list(query);
  }

  /** A queued job is cancelled at once; a running one is flagged and its worker stops it within a poll. */
  async cancel(id: string): Promise<JobWithLogs> {
    const { store } = this.options.backend;
    const job = await this.get(id);
    if (isTerminal(job.state)) {
      throw new PareError('job_finished', `Job ${id} has already ${job.state}; only queued or running jobs can be cancelled.`, { status: 409 });
    }
    const now = new Date().toISOString();
    const cancelled = await store.update(id, { state: 'cancelled', message: 'cancelled', finishedAt: now }, { states: ['queued'] }, { at: now, level: 'info', message: 'Cancelled before it started.' });
    if (!cancelled) {
      await store.update(id, { cancelRequested: true }, { states: ['running'] }, { at: now, level: 'info', message: 'Cancel requested; the worker stops it at its next check.' });
    }
    return this.get(id);
  }

  /** One of a finished job's artifacts, from the artifact store: the finishing attempt's file. */
  async artifact(id: string, name: string): Promise<StoredArtifact> {
    const job = await this.get(id);
    if (basename(name) !== name || !job.artifacts.some((a) => a.name === name)) {
      throw new PareError('artifact_not_found', `Job ${id} has no artifact "${name}"; it has: ${job.artifacts.map((a) => a.name).join(', ') || 'none'}.`, { status: 404 });
    }
    const stored = await this.options.artifacts.get(artifactKey(job, name));
    if (stored) return stored;
    if (!this.options.artifacts.shared) {
      // A folder store holds only what this machine ran; a bucket (PARE_ARTIFACTS_S3_*) lets every origin serve every job.
      throw new PareError('artifact_elsewhere', `Artifact "${name}" of job ${id} is not on this origin: worker ${job.workerId ?? 'unknown'} wrote it to its own folder. Give every origin the same artifact bucket (PARE_ARTIFACTS_S3_ENDPOINT, PARE_ARTIFACTS_S3_BUCKET) so any of them serves it.`, { status: 404 });
    }
    throw new PareError('artifact_not_found', `Artifact "${name}" of job ${id} is missing from the artifact store (${this.options.artifacts.name}).`, { status: 404 });
  }

  /** Stop taking work, put running jobs back on the queue, and close the backend. */
  async close(): Promise<void> {
    // The queue stops delivering first (it waits for the jobs in hand), while the runner aborts those jobs
    // and puts them back on the queue; only then does the store close.
    clearInterval(this.readinessWatch);
    const { queue, store } = this.options.backend;
    const queueClosed = queue.close();
    await this.runner.shutdown();
    await queueClosed;
    await store.close();
  }
}

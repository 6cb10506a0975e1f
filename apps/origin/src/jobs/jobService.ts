import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, basename } from 'node:path';
import { PareError } from '@pare/errors';
import type { JobHandlers } from './jobHandler';
import type { QueueBackend } from './jobQueue';
import { isTerminal, type JobListQuery, type JobLogLine, type JobRecord, type JobWithLogs } from './jobRecord';
import type { JobSpec } from './jobSpec';
import { JobRunner } from './jobRunner';

// What the routes call: submit, read, list and cancel jobs, whatever backend holds them. With `worker` on,
// this process also runs jobs; an API-only origin leaves that to other workers sharing the Redis queue.

export interface JobServiceOptions {
  backend: QueueBackend;
  handlers: JobHandlers;
  artifactsRoot: string;
  worker: boolean;
  maxAttempts?: number;
  workerId?: string;
  cancelPollMs?: number;
  /** How long one attempt of a job may run. */
  maxJobMs?: number;
  /** How much a job may grow the process's resident memory. */
  maxJobMemoryBytes?: number;
}

export class JobService {
  readonly workerId: string;
  private readonly runner: JobRunner;

  constructor(private readonly options: JobServiceOptions) {
    this.workerId = options.workerId ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
    this.runner = new JobRunner({
      store: options.backend.store,
      handlers: options.handlers,
      artifactsRoot: options.artifactsRoot,
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

  async start(): Promise<void> {
    if (!this.options.worker) return;
    const { backend } = this.options;
    await backend.recoverInterrupted((id) => backend.queue.enqueue(id));
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
    const [job, logs] = await Promise.all([store.getRecord(id), store.logsSince(id, logsFrom)]);
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
    const cancelledWhileQueued = await store.update(id, { state: 'cancelled', message: 'cancelled', finishedAt: now }, ['queued']);
    if (cancelledWhileQueued) {
      await store.appendLog(id, { at: now, level: 'info', message: 'Cancelled before it started.' });
    } else if (await store.update(id, { cancelRequested: true }, ['running'])) {
      await store.appendLog(id, { at: now, level: 'info', message: 'Cancel requested; the worker stops it at its next check.' });
    }
    return this.get(id);
  }

  /** The path of one of a finished job's artifacts on this machine. */
  async artifactPath(id: string, name: string): Promise<string> {
    const job = await this.get(id);
    if (basename(name) !== name || !job.artifacts.some((a) => a.name === name)) {
      throw new PareError('artifact_not_found', `Job ${id} has no artifact "${name}"; it has: ${job.artifacts.map((a) => a.name).join(', ') || 'none'}.`, { status: 404 });
    }
    const path = join(this.options.artifactsRoot, id, name);
    if (!existsSync(path)) {
      // With a shared Redis queue the job may have run on another machine; artifacts stay on that worker's disk.
      throw new PareError('artifact_elsewhere', `Artifact "${name}" of job ${id} is not on this origin; it was written by worker ${job.workerId ?? 'unknown'}. Fetch it from that worker.`, { status: 404 });
    }
    return path;
  }

  /** Stop taking work, put running jobs back on the queue, and close the backend. */
  async close(): Promise<void> {
    // The queue stops delivering first (it waits for the jobs in hand), while the runner aborts those jobs
    // and puts them back on the queue; only then does the store close.
    const { queue, store } = this.options.backend;
    const queueClosed = queue.close();
    await this.runner.shutdown();
    await queueClosed;
    await store.close();
  }
}

import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isPareError } from '@pare/errors';
import type { JobContext, JobHandler, JobHandlers, JobResult } from './jobHandler';
import type { JobArtifact, JobError, JobLogLine, JobRecord } from './jobRecord';
import type { JobStore } from './jobStore';

// The job state machine, shared by every backend: claim a delivered job, run its handler with a context,
// write progress, and settle it as succeeded, failed or cancelled. A job delivered while still `running`
// is a redelivery after its worker died; it counts as a new attempt, up to maxAttempts. Handlers run in this
// process: a job's time is bounded by maxJobMs and its memory by maxJobMemoryBytes (beside the estimate checked
// when it was admitted, ./jobMemory.ts): a job that grows the process's resident memory past it is aborted through
// its signal, as a cancel is. The watch samples between a handler's awaits, so a long synchronous step can
// overshoot before it is seen; jobs running side by side on one origin share the growth they are judged on.

export interface JobRunnerOptions {
  store: JobStore;
  handlers: JobHandlers;
  artifactsRoot: string;
  workerId: string;
  /** How often a running job re-reads its record to notice a cancel from another process. */
  cancelPollMs?: number;
  /** Minimum time between two progress writes. */
  progressWriteMs?: number;
  /** How long one attempt may run before it is aborted and failed (default 6 h). */
  maxJobMs?: number;
  /** Growth of the process's resident memory (bytes) beyond which a running job is stopped and failed. */
  maxJobMemoryBytes?: number;
  /** Puts a job back on the queue after a graceful shutdown interrupted it. */
  requeue: (id: string) => Promise<void>;
}

const SHUTDOWN = 'origin shutting down';
const CANCELLED = 'cancelled';
const TIME_LIMIT = 'time limit';
const MEMORY_LIMIT = 'memory limit';
export const DEFAULT_JOB_MS = 6 * 60 * 60 * 1000;

export class JobRunner {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly options: JobRunnerOptions) {}

  private get maxJobMs(): number {
    return this.options.maxJobMs ?? DEFAULT_JOB_MS;
  }

  /** Run one delivered job to a settled state. A handler's failure is the job's failure; only a store failure rejects. */
  readonly run = async (id: string): Promise<void> => {
    const { store } = this.options;
    // Delivered again while this worker still runs it (a queue that thought the job stalled): keep the one run.
    if (this.running.has(id)) return;
    const job = await store.getRecord(id);
    if (!job || job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled') return;
    if (job.state === 'running') {
      await this.log(id, 'warn', `The previous attempt (worker ${job.workerId ?? 'unknown'}) was interrupted.`);
    }
    if (job.cancelRequested) {
      await this.settle(id, { state: 'cancelled', error: null, message: 'cancelled' });
      return;
    }
    if (job.attempts >= job.maxAttempts) {
      await this.settle(id, {
        state: 'failed',
        error: { code: 'job_interrupted', message: `The job was interrupted ${job.attempts} time(s) and is not retried again (maxAttempts ${job.maxAttempts}).` },
      });
      return;
    }
    const now = new Date().toISOString();
    const claimed = await store.update(
      id,
      { state: 'running', attempts: job.attempts + 1, workerId: this.options.workerId, startedAt: now, progress: 0, message: null },
      ['queued', 'running'],
    );
    if (!claimed) return; // cancelled (or claimed elsewhere) in between
    await this.log(id, 'info', `Started on worker ${this.options.workerId} (attempt ${claimed.attempts} of ${claimed.maxAttempts}).`);
    await this.execute(claimed);
  };

  /** Abort every running job; each goes back to `queued` so it runs again after the restart. */
  async shutdown(): Promise<void> {
    for (const controller of this.running.values()) controller.abort(SHUTDOWN);
    while (this.running.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private async execute(job: JobRecord): Promise<void> {
    const { store, handlers } = this.options;
    const controller = new AbortController();
    this.running.set(job.id, controller);
    const artifactsDir = join(this.options.artifactsRoot, job.id);
    const progress = new ProgressWriter(store, job.id, this.options.progressWriteMs ?? 100);
    const startRss = process.memoryUsage.rss();
    const watch = setInterval(() => {
      const limit = this.options.maxJobMemoryBytes;
      if (limit !== undefined && !controller.signal.aborted && process.memoryUsage.rss() - startRss > limit) controller.abort(MEMORY_LIMIT);
      void this.watchForCancel(job.id, controller);
    }, this.options.cancelPollMs ?? 200);
    const deadline = setTimeout(() => controller.abort(TIME_LIMIT), this.maxJobMs);
    try {
      await mkdir(artifactsDir, { recursive: true });
      const ctx: JobContext = {
        jobId: job.id,
        progress: (fraction, message) => progress.report(fraction, message),
        log: {
          info: (m) => void this.log(job.id, 'info', m),
          warn: (m) => void this.log(job.id, 'warn', m),
          error: (m) => void this.log(job.id, 'error', m),
        },
        signal: controller.signal,
        artifactsDir,
      };
      const handler = handlers[job.type] as JobHandler;
      const result = await handler(job.spec, ctx);
      await progress.flush();
      await this.succeed(job.id, result, artifactsDir);
    } catch (error) {
      await progress.flush();
      await this.fail(job, error, controller.signal);
    } finally {
      clearInterval(watch);
      clearTimeout(deadline);
      this.running.delete(job.id);
    }
  }

  private async watchForCancel(id: string, controller: AbortController): Promise<void> {
    if (controller.signal.aborted) return;
    const job = await this.options.store.getRecord(id).catch(() => undefined);
    if (job && (job.cancelRequested || job.state !== 'running')) controller.abort(CANCELLED);
  }

  private async succeed(id: string, result: JobResult, artifactsDir: string): Promise<void> {
    const artifacts: JobArtifact[] = [];
    for (const name of result.artifacts) {
      artifacts.push({ name, bytes: (await stat(join(artifactsDir, name))).size });
    }
    // The last log line goes first: a reader that sees the settled state has already got every line.
    await this.log(id, 'info', 'Succeeded.');
    await this.settle(id, { state: 'succeeded', progress: 1, message: null, metrics: result.metrics, artifacts, error: null });
  }

  private async fail(job: JobRecord, error: unknown, signal: AbortSignal): Promise<void> {
    if (signal.aborted && signal.reason === SHUTDOWN) {
      // Not the job's fault: give the attempt back and let the next origin run it.
      await this.options.store.update(job.id, { state: 'queued', attempts: job.attempts - 1, workerId: null, message: 'requeued: origin shut down' }, ['running']);
      await this.log(job.id, 'warn', 'The origin shut down while this job ran; it is queued again.');
      await this.options.requeue(job.id);
      return;
    }
    if (signal.aborted && signal.reason === TIME_LIMIT) {
      const message = `The job exceeded the time limit of ${this.maxJobMs / 1000} s (PARE_JOB_SECONDS) and was stopped.`;
      await this.log(job.id, 'error', `Failed: ${message}`);
      await this.settle(job.id, { state: 'failed', error: { code: 'job_failed', message } });
      return;
    }
    if (signal.aborted && signal.reason === MEMORY_LIMIT) {
      const mib = (this.options.maxJobMemoryBytes! / 1024 ** 2).toFixed(0);
      const message = `The job grew the origin's memory by more than ${mib} MiB (PARE_JOB_MEMORY_BYTES) and was stopped.`;
      await this.log(job.id, 'error', `Failed: ${message}`);
      await this.settle(job.id, { state: 'failed', error: { code: 'job_failed', message } });
      return;
    }
    if (signal.aborted) {
      await this.log(job.id, 'info', 'Cancelled.');
      await this.settle(job.id, { state: 'cancelled', error: null, message: 'cancelled' });
      return;
    }
    const jobError: JobError = isPareError(error)
      ? { code: error.code, message: error.message }
      : { code: 'job_failed', message: error instanceof Error ? error.message : String(error) };
    await this.log(job.id, 'error', `Failed: ${jobError.message}`);
    await this.settle(job.id, { state: 'failed', error: jobError });
  }

  private async settle(id: string, patch: Parameters<JobStore['update']>[1]): Promise<void> {
    await this.options.store.update(id, { ...patch, cancelRequested: false, finishedAt: new Date().toISOString() }, ['queued', 'running']);
  }

  private async log(id: string, level: JobLogLine['level'], message: string): Promise<void> {
    await this.options.store.appendLog(id, { at: new Date().toISOString(), level, message }).catch(() => undefined);
  }
}

/** Coalesces progress reports so a handler may call progress() per item without a write per item. */
class ProgressWriter {
  private latest: { fraction: number; message?: string } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private lastWrite = 0;

  constructor(private readonly store: JobStore, private readonly id: string, private readonly intervalMs: number) {}

  report(fraction: number, message?: string): void {
    this.latest = { fraction: Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0)), message };
    const wait = this.lastWrite + this.intervalMs - Date.now();
    if (wait <= 0) this.write();
    else this.timer ??= setTimeout(() => this.write(), wait);
  }

  async flush(): Promise<void> {
    if (this.latest) this.write();
    await this.writing;
  }

  private write(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const latest = this.latest;
    if (!latest) return;
    this.latest = undefined;
    this.lastWrite = Date.now();
    const patch = latest.message === undefined ? { progress: latest.fraction } : { progress: latest.fraction, message: latest.message };
    this.writing = this.writing.then(() => this.store.update(this.id, patch, ['running'])).then(() => undefined, () => undefined);
  }
}

import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isPareError } from '@pare/errors';
import { artifactKey, type ArtifactStore } from '../artifacts/artifactStore';
import type { AttemptSandbox, RunningAttempt } from './attempt/attemptSandbox';
import type { JobResult } from './jobHandler';
import type { JobArtifact, JobError, JobLogLine, JobPatch, JobRecord } from './jobRecord';
import type { JobStore } from './jobStore';
import type { OriginCounters } from './originCounters';
import { ProgressWriter } from './progressWriter';

// The job state machine, shared by every backend: claim a delivered job, run its handler in a sandbox
// (./attempt/: a child process by default), write progress, and settle it as succeeded, failed or cancelled.
//
// Fencing: each claim gives the job a new attempt id, and every write of an attempt (progress, log lines, the
// settled state, its artifacts' keys) lands only while the record still names that id. A job delivered while
// `running` is a takeover after its worker died or stalled: the new claim counts a stall and a new attempt, up to
// maxAttempts; the old attempt, if it still runs somewhere, finds the record changed at its next write or poll,
// is killed, and its results are discarded. A job's time is bounded by maxJobMs and its memory by
// maxJobMemoryBytes, the growth of the attempt's process (beside the estimate checked at admission, ./jobMemory.ts).

export interface JobRunnerOptions {
  store: JobStore;
  /** The sandbox a job type's attempts run in. */
  sandboxFor: (type: JobRecord['type']) => AttemptSandbox;
  artifacts: ArtifactStore;
  /** Where attempts write their files before the finishing one's go to the artifact store. */
  stagingRoot: string;
  workerId: string;
  counters: OriginCounters;
  /** How often a running job re-reads its record to notice a cancel, or that another attempt owns it now. */
  cancelPollMs?: number;
  /** Minimum time between two progress writes. */
  progressWriteMs?: number;
  /** How long one attempt may run before it is aborted and failed (default 6 h). */
  maxJobMs?: number;
  /** Growth of the attempt's resident memory (bytes) beyond which it is stopped and failed. */
  maxJobMemoryBytes?: number;
  /** How long an aborted attempt has to stop by itself before its process is killed. */
  abortGraceMs?: number;
  /** Puts a job back on the queue after a graceful shutdown interrupted it. */
  requeue: (id: string) => Promise<void>;
}

const SHUTDOWN = 'origin shutting down';
const CANCELLED = 'cancelled';
const TIME_LIMIT = 'time limit';
const MEMORY_LIMIT = 'memory limit';
/** Another attempt owns the job now, or its record is gone: stop at once, write nothing. */
const LOST = 'lost the job';
export const DEFAULT_JOB_MS = 6 * 60 * 60 * 1000;

interface InHand { controller: AbortController; done: Promise<void> }

export class JobRunner {
  private readonly running = new Map<string, InHand>();

  constructor(private readonly options: JobRunnerOptions) {}

  private get maxJobMs(): number {
    return this.options.maxJobMs ?? DEFAULT_JOB_MS;
  }

  /** Run one delivered job to a settled state. A handler's failure is the job's failure; only a store failure rejects. */
  readonly run = async (id: string): Promise<void> => {
    // Delivered again while this worker still runs it: the new delivery waits for the one run, never starts another.
    const inHand = this.running.get(id);
    if (inHand) return inHand.done;
    const { store } = this.options;
    const job = await store.getRecord(id);
    if (!job) {
      this.options.counters.add('jobs_vanished_total');
      console.error(`origin: job ${id} was delivered but its record is gone from the store; it cannot run.`);
      return;
    }
    if (job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled') return;
    const stalled = job.state === 'running';
    const owner = { states: [job.state], attemptId: job.attemptId ?? null };
    if (job.cancelRequested) {
      await this.settle(job.id, { state: 'cancelled', error: null, message: 'cancelled' }, owner, line('info', 'Cancelled.'));
      return;
    }
    const stalls = (job.stalls ?? 0) + (stalled ? 1 : 0);
    // A graceful shutdown gives its attempt back, so a job that has used them all was cut off every time.
    if (job.attempts >= job.maxAttempts) {
      const message = `The job's worker stopped during each of its ${job.attempts} attempt(s) and it is not retried again (maxAttempts ${job.maxAttempts}).`;
      await this.settle(job.id, { state: 'failed', stalls, error: { code: 'job_interrupted', message } }, owner, line('error', `Failed: ${message}`));
      return;
    }
    const attemptId = `att_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const claimed = await store.update(
      id,
      { state: 'running', attempts: job.attempts + 1, stalls, attemptId, workerId: this.options.workerId, startedAt: new Date().toISOString(), progress: 0, message: null },
      owner,
      stalled ? line('warn', `The previous attempt (worker ${job.workerId ?? 'unknown'}) stopped or stalled; worker ${this.options.workerId} takes the job over.`) : undefined,
    );
    if (!claimed) return; // cancelled, or claimed by another worker, in between
    if (stalled) {
      this.options.counters.add('attempts_stalled_total');
      console.warn(`origin: job ${id}: took over from worker ${job.workerId ?? 'unknown'} (stall ${stalls}).`);
    }
    const controller = new AbortController();
    const done = this.execute(claimed, attemptId, controller).finally(() => this.running.delete(id));
    this.running.set(id, { controller, done });
    return done;
  };

  /** Abort every running job; each goes back to `queued` so it runs again after the restart. */
  async shutdown(): Promise<void> {
    for (const { controller } of this.running.values()) controller.abort(SHUTDOWN);
    await Promise.all([...this.running.values()].map((r) => r.done.catch(() => undefined)));
  }

  private async execute(job: JobRecord, attemptId: string, controller: AbortController): Promise<void> {
    const { store } = this.options;
    const staging = join(this.options.stagingRoot, attemptId);
    const progress = new ProgressWriter(store, job.id, attemptId, this.options.progressWriteMs ?? 100);
    let attempt: RunningAttempt | undefined;
    const log = (level: JobLogLine['level'], message: string): void => {
      void store.appendLog(job.id, line(level, message), attemptId).then((landed) => landed || controller.abort(LOST), () => undefined);
    };
    controller.signal.addEventListener('abort', () => {
      // A lost job is stopped hard: whatever the old attempt would still do could only be discarded.
      attempt?.abort(String(controller.signal.reason), controller.signal.reason === LOST ? 0 : this.options.abortGraceMs ?? 10_000);
    });
    const watch = setInterval(() => {
      const limit = this.options.maxJobMemoryBytes;
      if (limit !== undefined && !controller.signal.aborted && (attempt?.memoryGrowth() ?? 0) > limit) controller.abort(MEMORY_LIMIT);
      void this.watchRecord(job.id, attemptId, controller);
    }, this.options.cancelPollMs ?? 200);
    let deadline: NodeJS.Timeout | undefined;
    try {
      log('info', `Started on worker ${this.options.workerId} (attempt ${job.attempts} of ${job.maxAttempts}).`);
      await mkdir(staging, { recursive: true });
      attempt = this.options.sandboxFor(job.type)({
        jobId: job.id,
        spec: job.spec,
        artifactsDir: staging,
        // Counted from the handler's start, so a process slow to spawn on a busy machine does not eat into it.
        onStarted: () => { deadline ??= setTimeout(() => controller.abort(TIME_LIMIT), this.maxJobMs); },
        onProgress: (fraction, message) => progress.report(fraction, message),
        onLog: log,
        mayPublish: async () => {
          const now = await store.getRecord(job.id);
          return !controller.signal.aborted && now?.attemptId === attemptId && now.state === 'running' && !now.cancelRequested;
        },
      });
      if (controller.signal.aborted) attempt.abort(String(controller.signal.reason), 0);
      const result = await attempt.result;
      if (controller.signal.aborted) throw controller.signal.reason;
      await progress.flush();
      await this.succeed(job, attemptId, result, staging, controller);
    } catch (error) {
      if (controller.signal.reason === LOST) progress.discard();
      else await progress.flush();
      await this.fail(job, attemptId, error, controller.signal);
    } finally {
      clearInterval(watch);
      clearTimeout(deadline);
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private async watchRecord(id: string, attemptId: string, controller: AbortController): Promise<void> {
    if (controller.signal.aborted) return;
    const job = await this.options.store.getRecord(id).catch(() => null);
    if (job === null || controller.signal.aborted) return; // the store did not answer: try again at the next poll
    if (!job) {
      this.options.counters.add('jobs_vanished_total');
      console.error(`origin: job ${id}'s record vanished from the store while attempt ${attemptId} ran; the attempt is stopped.`);
    }
    if (!job || job.attemptId !== attemptId) controller.abort(LOST);
    else if (job.cancelRequested || job.state !== 'running') controller.abort(CANCELLED);
  }

  private async succeed(job: JobRecord, attemptId: string, result: JobResult, staging: string, controller: AbortController): Promise<void> {
    const artifacts: JobArtifact[] = [];
    for (const name of result.artifacts) artifacts.push({ name, bytes: (await stat(join(staging, name))).size });
    const owned = { ...job, attemptId };
    const keys = artifacts.map((a) => artifactKey(owned, a.name));
    // Uploads go under this attempt's own keys; only the settle below makes the record point at them.
    for (const [i, artifact] of artifacts.entries()) {
      if (controller.signal.aborted) break;
      await this.options.artifacts.put(keys[i]!, join(staging, artifact.name));
    }
    const patch: JobPatch = { state: 'succeeded', progress: 1, message: null, metrics: result.metrics, artifacts, error: null };
    const settled = !controller.signal.aborted && (await this.settle(job.id, patch, { states: ['running'], attemptId }, line('info', 'Succeeded.')));
    if (settled) return;
    await this.options.artifacts.delete(keys).catch(() => undefined);
    this.discarded(job.id, attemptId);
  }

  private async fail(job: JobRecord, attemptId: string, error: unknown, signal: AbortSignal): Promise<void> {
    const fence = { states: ['running'] as const, attemptId };
    const failWith = async (jobError: JobError): Promise<void> => {
      if (!(await this.settle(job.id, { state: 'failed', error: jobError }, fence, line('error', `Failed: ${jobError.message}`)))) this.discarded(job.id, attemptId);
    };
    if (signal.aborted && signal.reason === LOST) {
      this.discarded(job.id, attemptId);
      return;
    }
    if (signal.aborted && signal.reason === SHUTDOWN) {
      // Not the job's fault: give the attempt back and let the next origin run it.
      const patch: JobPatch = { state: 'queued', attempts: job.attempts - 1, workerId: null, attemptId: null, message: 'requeued: origin shut down' };
      if (!(await this.options.store.update(job.id, patch, fence, line('warn', 'The origin shut down while this job ran; it is queued again.')))) return this.discarded(job.id, attemptId);
      this.options.counters.add('attempts_requeued_total');
      await this.options.requeue(job.id);
      return;
    }
    if (signal.aborted && signal.reason === TIME_LIMIT) {
      return failWith({ code: 'job_failed', message: `The job exceeded the time limit of ${this.maxJobMs / 1000} s (PARE_JOB_SECONDS) and was stopped.` });
    }
    if (signal.aborted && signal.reason === MEMORY_LIMIT) {
      const mib = (this.options.maxJobMemoryBytes! / 1024 ** 2).toFixed(0);
      return failWith({ code: 'job_failed', message: `The job grew its process's memory by more than ${mib} MiB (PARE_JOB_MEMORY_BYTES) and was stopped.` });
    }
    if (signal.aborted) {
      if (!(await this.settle(job.id, { state: 'cancelled', error: null, message: 'cancelled' }, fence, line('info', 'Cancelled.')))) this.discarded(job.id, attemptId);
      return;
    }
    return failWith(isPareError(error)
      ? { code: error.code, message: error.message }
      : { code: 'job_failed', message: error instanceof Error ? error.message : String(error) });
  }

  /** An attempt that lost its job: nothing it did lands; the origin's log and counters say so. */
  private discarded(id: string, attemptId: string): void {
    this.options.counters.add('attempts_fenced_total');
    console.warn(`origin: job ${id}: attempt ${attemptId} no longer owns the job (another attempt took it over, or its record is gone); its results are discarded.`);
  }

  private async settle(id: string, patch: JobPatch, when: Parameters<JobStore['update']>[2], last: JobLogLine): Promise<boolean> {
    const settled = await this.options.store.update(id, { ...patch, cancelRequested: false, finishedAt: new Date().toISOString() }, when, last);
    return settled !== undefined;
  }
}

function line(level: JobLogLine['level'], message: string): JobLogLine {
  return { at: new Date().toISOString(), level, message };
}

import type { JobStore } from './jobStore';
import type { OriginCounters } from './originCounters';

// The delivery half of a backend: hands job ids to a worker function. The in-process queue and BullMQ are
// thin adapters behind this interface; the state machine itself lives in the runner.

export type RunJob = (id: string) => Promise<void>;

export interface JobQueue {
  enqueue(id: string): Promise<void>;
  /** Start delivering jobs to `run`; a backend without a worker role (API-only origin) never calls this. */
  startWorker(run: RunJob): Promise<void>;
  /** Stop delivering and wait for the jobs in hand; `enqueue` may still be called until it resolves. */
  close(): Promise<void>;
}

export interface QueueBackend {
  /** `sqlite` or `bullmq`, shown in the origin's startup line. */
  name: string;
  store: JobStore;
  queue: JobQueue;
  /**
   * Runs once when a worker starts. The SQLite backend treats every job left `running` in its file as
   * interrupted (one origin per file); BullMQ finds interrupted jobs itself through its stalled-job check.
   */
  recoverInterrupted(requeue: (id: string) => Promise<void>, counters: OriginCounters): Promise<void>;
  /**
   * Readiness: the store answers and takes a write, and still holds what it held when this origin started (a
   * Redis restarted without its data is counted in `counters` and logged). Throws `backend_unavailable`.
   */
  ready(counters: OriginCounters): Promise<void>;
}

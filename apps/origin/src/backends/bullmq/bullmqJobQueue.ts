import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { JobQueue, RunJob } from '../../jobs/jobQueue';
import type { JobStore } from '../../jobs/jobStore';

// BullMQ carries only job ids; the record lives in the RedisJobStore. BullMQ's lock and stalled-job check
// are what find a job whose worker died: its lock expires, the job goes back to `wait`, another worker (or
// the restarted one) picks it up and the runner counts a new attempt.

export interface BullmqQueueOptions {
  url: string;
  prefix: string;
  queueName?: string;
  concurrency?: number;
  /** How long a worker's lock on a job lasts without renewal; a dead worker's job is found after about this. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

interface Delivery { id: string }

export class BullmqJobQueue implements JobQueue {
  private readonly queue: Queue<Delivery>;
  private worker: Worker<Delivery> | undefined;
  private readonly connection: ConnectionOptions;

  constructor(private readonly options: BullmqQueueOptions, private readonly store: JobStore) {
    this.connection = { url: options.url, maxRetriesPerRequest: null };
    this.queue = new Queue<Delivery>(options.queueName ?? 'jobs', { connection: this.connection, prefix: options.prefix });
  }

  async enqueue(id: string): Promise<void> {
    await this.queue.add('job', { id }, { removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } });
  }

  async startWorker(run: RunJob): Promise<void> {
    const lockDuration = this.options.lockDurationMs ?? 30_000;
    this.worker = new Worker<Delivery>(this.options.queueName ?? 'jobs', async (delivery) => run(delivery.data.id), {
      connection: this.connection,
      prefix: this.options.prefix,
      concurrency: this.options.concurrency ?? 1,
      lockDuration,
      stalledInterval: this.options.stalledIntervalMs ?? Math.max(1000, Math.floor(lockDuration / 2)),
      // One redelivery after a dead worker; the runner's maxAttempts decides whether it runs again.
      maxStalledCount: 1,
    });
    // The runner never throws, so a failed delivery is BullMQ giving up on a job that stalled too often.
    this.worker.on('failed', (delivery, error) => {
      if (!delivery) return;
      this.store
        .update(
          delivery.data.id,
          { state: 'failed', error: { code: 'job_interrupted', message: `The job's workers kept dying: ${error.message}` }, finishedAt: new Date().toISOString() },
          ['queued', 'running'],
        )
        .catch((cause: unknown) => console.error(`origin: could not mark job ${delivery.data.id} failed:`, cause));
    });
    this.worker.on('error', (error) => console.error('origin: BullMQ worker error:', error.message));
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}

import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { JobQueue, RunJob } from '../../jobs/jobQueue';

// BullMQ carries only job ids; the record lives in the RedisJobStore. BullMQ's lock and stalled-job check
// are what find a job whose worker died: its lock expires, the job goes back to `wait`, another worker (or
// the restarted one) picks it up and the runner takes it over as a new attempt. Attempts run in child
// processes (../../jobs/attempt/), so a busy worker keeps renewing its locks; whether a job that stalled
// again and again is given up is the runner's decision (maxAttempts), not BullMQ's.

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

/** BullMQ's own count of stalls before it fails a delivery; the runner settles the job long before this. */
const STALLS_BEFORE_BULLMQ_GIVES_UP = 1000;

export class BullmqJobQueue implements JobQueue {
  private readonly queue: Queue<Delivery>;
  private worker: Worker<Delivery> | undefined;
  private readonly connection: ConnectionOptions;

  constructor(private readonly options: BullmqQueueOptions) {
    this.connection = { url: options.url, maxRetriesPerRequest: null };
    this.queue = new Queue<Delivery>(options.queueName ?? 'jobs', { connection: this.connection, prefix: options.prefix });
    this.queue.on('error', (error) => console.error('origin: BullMQ queue error:', error.message));
  }

  async enqueue(id: string): Promise<void> {
    // A delivery whose run rejected (the job store failed mid-claim or mid-settle) is delivered again.
    await this.queue.add('job', { id }, { attempts: 8, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } });
  }

  async startWorker(run: RunJob): Promise<void> {
    const lockDuration = this.options.lockDurationMs ?? 30_000;
    this.worker = new Worker<Delivery>(this.options.queueName ?? 'jobs', async (delivery) => run(delivery.data.id), {
      connection: this.connection,
      prefix: this.options.prefix,
      concurrency: this.options.concurrency ?? 1,
      lockDuration,
      // A job is moved back after two checks find it unlocked: checks 2.5 s apart find a dead worker's job
      // within lockDuration + 5 s.
      stalledInterval: this.options.stalledIntervalMs ?? Math.max(500, Math.min(2500, Math.floor(lockDuration / 4))),
      maxStalledCount: STALLS_BEFORE_BULLMQ_GIVES_UP,
    });
    this.worker.on('failed', (delivery, error) => {
      if (!delivery || delivery.attemptsMade < (delivery.opts.attempts ?? 1)) return;
      // Every redelivery failed: the store has been unreachable for minutes. Say so; the record keeps its state.
      console.error(`origin: job ${delivery.data.id} could not be run or settled after ${delivery.attemptsMade} deliveries: ${error.message}`);
    });
    this.worker.on('error', (error) => console.error('origin: BullMQ worker error:', error.message));
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}

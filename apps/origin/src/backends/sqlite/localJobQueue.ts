import type { JobQueue, RunJob } from '../../jobs/jobQueue';
import type { JobStore } from '../../jobs/jobStore';

// The in-process queue: job ids in memory, the truth in the store. On start it loads every job still queued
// in the store, which is how queued work survives a restart.

export class LocalJobQueue implements JobQueue {
  private readonly pending: string[] = [];
  private readonly inHand = new Map<string, Promise<void>>();
  private run: RunJob | undefined;
  private closed = false;

  constructor(private readonly store: JobStore, private readonly concurrency: number) {}

  async enqueue(id: string): Promise<void> {
    if (this.closed || this.pending.includes(id) || this.inHand.has(id)) return;
    this.pending.push(id);
    this.deliver();
  }

  async startWorker(run: RunJob): Promise<void> {
    this.run = run;
    for (const id of await this.store.idsInState('queued')) await this.enqueue(id);
    this.deliver();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pending.length = 0;
    await Promise.all(this.inHand.values());
  }

  private deliver(): void {
    const run = this.run;
    while (run && !this.closed && this.inHand.size < this.concurrency && this.pending.length > 0) {
      const id = this.pending.shift()!;
      const done = run(id)
        .catch((error: unknown) => console.error(`origin: job ${id} crashed the runner:`, error))
        .finally(() => {
          this.inHand.delete(id);
          this.deliver();
        });
      this.inHand.set(id, done);
    }
  }
}

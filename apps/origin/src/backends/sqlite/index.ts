import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { QueueBackend } from '../../jobs/jobQueue';
import { LocalJobQueue } from './localJobQueue';
import { SqliteJobStore } from './sqliteJobStore';

// The embedded backend for one machine: a SQLite file and an in-process queue.

export interface SqliteBackendOptions {
  file: string;
  /** Jobs run at once; each job already uses every core, so 1 is the sensible default. */
  concurrency?: number;
}

export function createSqliteBackend(options: SqliteBackendOptions): QueueBackend {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const store = new SqliteJobStore(options.file);
  const queue = new LocalJobQueue(store, options.concurrency ?? 1);
  return {
    name: 'sqlite',
    store,
    queue,
    // One origin owns the file, so a job still `running` in it was cut off by a crash or kill.
    async recoverInterrupted(requeue) {
      for (const id of await store.idsInState('running')) {
        const job = await store.update(id, { state: 'queued', workerId: null, message: 'requeued: origin restarted' }, ['running']);
        if (!job) continue;
        await store.appendLog(id, {
          at: new Date().toISOString(),
          level: 'warn',
          message: `The origin stopped during attempt ${job.attempts} of ${job.maxAttempts}; the job is queued again.`,
        });
        await requeue(id);
      }
    },
  };
}

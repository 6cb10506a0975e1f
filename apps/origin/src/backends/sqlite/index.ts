import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PareError } from '@pare/errors';
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
    // One origin owns the file, so a job still `running` in it was cut off by a crash or kill: a stall.
    async recoverInterrupted(requeue, counters) {
      for (const id of await store.idsInState('running')) {
        const before = await store.getRecord(id);
        if (!before) continue;
        const line = { at: new Date().toISOString(), level: 'warn' as const, message: `The origin stopped during attempt ${before.attempts} of ${before.maxAttempts}; the job is queued again.` };
        const patch = { state: 'queued' as const, workerId: null, attemptId: null, stalls: (before.stalls ?? 0) + 1, message: 'requeued: origin restarted' };
        if (!(await store.update(id, patch, { states: ['running'], attemptId: before.attemptId ?? null }, line))) continue;
        counters.add('attempts_stalled_total');
        await requeue(id);
      }
    },
    async ready() {
      try {
        await store.checkWritable();
      } catch (cause) {
        throw new PareError('backend_unavailable', `The job file ${options.file} cannot be written: ${cause instanceof Error ? cause.message : String(cause)}.`, { cause });
      }
    },
  };
}

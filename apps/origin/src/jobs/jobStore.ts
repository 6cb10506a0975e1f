import type { JobListQuery, JobLogLine, JobPatch, JobRecord, JobState, JobWithLogs } from './jobRecord';

// Where jobs live. The core (runner, service) speaks only this interface; SQLite and Redis implement it.

/** When a write may land: the job is in one of `states` (any when omitted) and, with `attemptId`, still owned by that attempt. */
export interface WriteCondition {
  states?: readonly JobState[];
  /** The fencing token: a write from an attempt that no longer owns the job is refused (null: no attempt owns it). */
  attemptId?: string | null;
}

export interface JobStore {
  insert(job: JobRecord): Promise<void>;
  get(id: string): Promise<JobWithLogs | undefined>;
  /** The record without its log lines: what a worker polls while a job runs. */
  getRecord(id: string): Promise<JobRecord | undefined>;
  /** Newest first, without logs. */
  list(query: JobListQuery): Promise<JobRecord[]>;
  /**
   * Apply a patch, atomically, only while `when` holds. Returns the updated job, or undefined when the job does
   * not exist or the condition failed: this compare-and-set is what keeps two workers (or a worker and a
   * cancel) from both winning, and a stale attempt from writing over the one that owns the job. `log` is
   * appended in the same step, so a job's last line and its settled state land together or not at all.
   */
  update(id: string, patch: JobPatch, when?: WriteCondition, log?: JobLogLine): Promise<JobRecord | undefined>;
  /** Append a log line; with `attemptId`, only while that attempt owns the job. Returns whether it landed. */
  appendLog(id: string, line: JobLogLine, attemptId?: string | null): Promise<boolean>;
  /** Log lines from index `from` on (what an events stream has not sent yet). */
  logsSince(id: string, from: number): Promise<JobLogLine[]>;
  /** Ids of jobs in a state, oldest first (used to resume queued work and recover interrupted runs). */
  idsInState(state: JobState): Promise<string[]>;
  close(): Promise<void>;
}

import type { JobListQuery, JobLogLine, JobPatch, JobRecord, JobState, JobWithLogs } from './jobRecord';

// Where jobs live. The core (runner, service) speaks only this interface; SQLite and Redis implement it.

export interface JobStore {
  insert(job: JobRecord): Promise<void>;
  get(id: string): Promise<JobWithLogs | undefined>;
  /** The record without its log lines: what a worker polls while a job runs. */
  getRecord(id: string): Promise<JobRecord | undefined>;
  /** Newest first, without logs. */
  list(query: JobListQuery): Promise<JobRecord[]>;
  /**
   * Apply a patch, atomically, only while the job is in one of `whileIn` (any state when omitted).
   * Returns the updated job, or undefined when the job does not exist or was in another state: this
   * compare-and-set is what keeps two workers (or a worker and a cancel) from both winning.
   */
  update(id: string, patch: JobPatch, whileIn?: readonly JobState[]): Promise<JobRecord | undefined>;
  appendLog(id: string, line: JobLogLine): Promise<void>;
  /** Log lines from index `from` on (what an events stream has not sent yet). */
  logsSince(id: string, from: number): Promise<JobLogLine[]>;
  /** Ids of jobs in a state, oldest first (used to resume queued work and recover interrupted runs). */
  idsInState(state: JobState): Promise<string[]>;
  close(): Promise<void>;
}

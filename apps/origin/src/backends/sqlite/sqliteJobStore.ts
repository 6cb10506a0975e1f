import Database from 'better-sqlite3';
import type { JobListQuery, JobLogLine, JobPatch, JobRecord, JobState, JobWithLogs } from '../../jobs/jobRecord';
import type { JobStore, WriteCondition } from '../../jobs/jobStore';

// Jobs in one SQLite file. A job row keeps the indexed columns (state, type, created_at) beside the whole
// record as JSON; log lines have their own table so appending one never rewrites the record.

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS jobs_state_created ON jobs (state, created_at);
  CREATE TABLE IF NOT EXISTS job_logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    line TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS job_logs_job ON job_logs (job_id, seq);
`;

interface JobRow { state: string; record: string }

export class SqliteJobStore implements JobStore {
  private readonly db: Database.Database;
  private readonly updateInTransaction: (id: string, patch: JobPatch, when?: WriteCondition, log?: JobLogLine) => JobRecord | undefined;
  private readonly appendInTransaction: (id: string, line: string, attemptId?: string | null) => boolean;

  constructor(file: string) {
    this.db = new Database(file);
    // WAL lets the API read while a job writes progress; the busy timeout covers a second process on the file.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const select = this.db.prepare<[string], JobRow>('SELECT state, record FROM jobs WHERE id = ?');
    const write = this.db.prepare<[string, string, string]>('UPDATE jobs SET state = ?, record = ? WHERE id = ?');
    const append = this.db.prepare<[string, string]>('INSERT INTO job_logs (job_id, line) VALUES (?, ?)');
    this.updateInTransaction = this.db.transaction((id: string, patch: JobPatch, when?: WriteCondition, log?: JobLogLine) => {
      const row = select.get(id);
      if (!row) return undefined;
      const current = JSON.parse(row.record) as JobRecord;
      if (!holds(current, when)) return undefined;
      const next: JobRecord = { ...current, ...patch, updatedAt: new Date().toISOString() };
      write.run(next.state, JSON.stringify(next), id);
      if (log) append.run(id, JSON.stringify(log));
      return next;
    });
    this.appendInTransaction = this.db.transaction((id: string, line: string, attemptId?: string | null) => {
      if (attemptId !== undefined) {
        const row = select.get(id);
        if (!row || !holds(JSON.parse(row.record) as JobRecord, { attemptId })) return false;
      }
      append.run(id, line);
      return true;
    });
  }

  async insert(job: JobRecord): Promise<void> {
    this.db.prepare('INSERT INTO jobs (id, type, state, created_at, record) VALUES (?, ?, ?, ?, ?)').run(job.id, job.type, job.state, job.createdAt, JSON.stringify(job));
  }

  async get(id: string): Promise<JobWithLogs | undefined> {
    const row = this.db.prepare<[string], JobRow>('SELECT state, record FROM jobs WHERE id = ?').get(id);
    if (!row) return undefined;
    const lines = this.db.prepare<[string], { line: string }>('SELECT line FROM job_logs WHERE job_id = ? ORDER BY seq').all(id);
    return { ...(JSON.parse(row.record) as JobRecord), logs: lines.map((l) => JSON.parse(l.line) as JobLogLine) };
  }

  async getRecord(id: string): Promise<JobRecord | undefined> {
    const row = this.db.prepare<[string], JobRow>('SELECT state, record FROM jobs WHERE id = ?').get(id);
    return row ? (JSON.parse(row.record) as JobRecord) : undefined;
  }

  async list(query: JobListQuery): Promise<JobRecord[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (query.state) { where.push('state = ?'); params.push(query.state); }
    if (query.type) { where.push('type = ?'); params.push(query.type); }
    const sql = `SELECT record FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ${Math.floor(query.limit)}`;
    return this.db.prepare<string[], { record: string }>(sql).all(...params).map((r) => JSON.parse(r.record) as JobRecord);
  }

  async update(id: string, patch: JobPatch, when?: WriteCondition, log?: JobLogLine): Promise<JobRecord | undefined> {
    return this.updateInTransaction(id, patch, when, log);
  }

  async appendLog(id: string, line: JobLogLine, attemptId?: string | null): Promise<boolean> {
    return this.appendInTransaction(id, JSON.stringify(line), attemptId);
  }

  /** A write probe for readiness: takes the write lock and lets it go. */
  async checkWritable(): Promise<void> {
    this.db.exec('BEGIN IMMEDIATE; ROLLBACK;');
  }

  async logsSince(id: string, from: number): Promise<JobLogLine[]> {
    return this.db
      .prepare<[string, number], { line: string }>('SELECT line FROM job_logs WHERE job_id = ? ORDER BY seq LIMIT -1 OFFSET ?')
      .all(id, from)
      .map((l) => JSON.parse(l.line) as JobLogLine);
  }

  async idsInState(state: JobState): Promise<string[]> {
    return this.db.prepare<[string], { id: string }>('SELECT id FROM jobs WHERE state = ? ORDER BY created_at, rowid').all(state).map((r) => r.id);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function holds(job: JobRecord, when: WriteCondition | undefined): boolean {
  if (when?.states && !when.states.includes(job.state)) return false;
  return when?.attemptId === undefined || (job.attemptId ?? null) === when.attemptId;
}

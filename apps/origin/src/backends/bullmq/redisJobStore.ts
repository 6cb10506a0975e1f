import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { PareError } from '@pare/errors';
import type { OriginCounters } from '../../jobs/originCounters';
import type { JobListQuery, JobLogLine, JobPatch, JobRecord, JobState, JobWithLogs } from '../../jobs/jobRecord';
import type { JobStore, WriteCondition } from '../../jobs/jobStore';

// Jobs in Redis, shared by every origin worker. A job is a hash whose fields are the record's top-level
// fields as JSON, so a compare-and-set on `state` is a short Lua script that never re-encodes the record.
// Keys: <prefix>:job:<id> (hash), <prefix>:job:<id>:logs (list), <prefix>:jobs (sorted set by creation time),
// <prefix>:epoch (written once by the first origin: when it is gone, Redis lost its data under us).
// A failed command becomes `backend_unavailable` (503) within a few seconds (guard) rather than hanging a route.

// A record without the field (written by an older origin) has no owner: it reads as JSON null.
const OWNER = `local owner = redis.call('HGET', KEYS[1], 'attemptId') or 'null'`;

// KEYS: the job hash, its log list. ARGV: the fencing attempt id as JSON ('' for none), a log line ('' for
// none), the number n of allowed states, the n states, then field/value pairs.
const COMPARE_AND_SET = `
  if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
  ${OWNER}
  if ARGV[1] ~= '' and owner ~= ARGV[1] then return nil end
  local n = tonumber(ARGV[3])
  if n > 0 then
    local state = redis.call('HGET', KEYS[1], 'state')
    local allowed = false
    for i = 4, n + 3 do if state == ARGV[i] then allowed = true end end
    if not allowed then return nil end
  end
  for i = n + 4, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
  if ARGV[2] ~= '' then redis.call('RPUSH', KEYS[2], ARGV[2]) end
  return redis.call('HGETALL', KEYS[1])
`;

// KEYS: the job hash, its log list. ARGV: the fencing attempt id as JSON, the line.
const FENCED_APPEND = `
  if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
  ${OWNER}
  if owner ~= ARGV[1] then return 0 end
  redis.call('RPUSH', KEYS[2], ARGV[2])
  return 1
`;

export class RedisJobStore implements JobStore {
  private readonly redis: Redis;
  private epoch: string | undefined;
  private lastError = '';

  constructor(url: string, private readonly prefix: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false, retryStrategy: (times) => Math.min(times * 200, 2000) });
    // ioredis reconnects by itself; without a listener every dropped connection is an "unhandled error" print.
    this.redis.on('error', (error: Error) => {
      if (error.message !== this.lastError) console.error(`origin: Redis job store: ${error.message}`);
      this.lastError = error.message;
    });
    this.redis.on('ready', () => { this.lastError = ''; });
  }

  /** Remember the store's epoch (made by the first origin on this Redis); checkReady compares against it. */
  async markEpoch(): Promise<void> {
    await this.redis.set(this.epochKey(), randomUUID(), 'NX');
    this.epoch = (await this.redis.get(this.epochKey())) ?? undefined;
  }

  /** Redis answers and takes a write, and still holds the epoch seen at start; a lost one is counted, logged and renewed. */
  async checkReady(counters: OriginCounters): Promise<void> {
    return guard(async () => {
      await this.redis.set(`${this.prefix}:ready-probe`, String(Date.now()), 'PX', 60_000);
      const epoch = await this.redis.get(this.epochKey());
      if (epoch !== this.epoch) {
        counters.add('store_data_lost_total');
        console.error(`origin: Redis lost its data (${this.epochKey()} is ${epoch === null ? 'gone' : 'another one'}): the jobs it held are gone. Keep AOF on (infra/origin/redis.conf.example).`);
        await this.markEpoch();
      }
    });
  }

  async insert(job: JobRecord): Promise<void> {
    return guard(async () => {
      await this.redis
        .multi()
        .hset(this.key(job.id), encode(job))
        .zadd(this.indexKey(), Date.parse(job.createdAt), job.id)
        .exec();
    });
  }

  async get(id: string): Promise<JobWithLogs | undefined> {
    return guard(async () => {
      const [fields, lines] = await Promise.all([this.redis.hgetall(this.key(id)), this.redis.lrange(this.logsKey(id), 0, -1)]);
      if (!fields.state) return undefined;
      return { ...decode(fields), logs: lines.map((l) => JSON.parse(l) as JobLogLine) };
    });
  }

  async getRecord(id: string): Promise<JobRecord | undefined> {
    return guard(async () => {
      const fields = await this.redis.hgetall(this.key(id));
      return fields.state ? decode(fields) : undefined;
    });
  }

  async list(query: JobListQuery): Promise<JobRecord[]> {
    return guard(async () => {
      // Newest first; filters apply while walking the index so `limit` counts matching jobs.
      const found: JobRecord[] = [];
      const page = 200;
      for (let start = 0; found.length < query.limit; start += page) {
        const ids = await this.redis.zrevrange(this.indexKey(), start, start + page - 1);
        if (ids.length === 0) break;
        const pipeline = this.redis.pipeline();
        for (const id of ids) pipeline.hgetall(this.key(id));
        for (const [error, fields] of (await pipeline.exec()) ?? []) {
          if (error || !fields || !(fields as Record<string, string>).state) continue;
          const job = decode(fields as Record<string, string>);
          if ((query.state && job.state !== query.state) || (query.type && job.type !== query.type)) continue;
          found.push(job);
          if (found.length >= query.limit) break;
        }
      }
      return found;
    });
  }

  async update(id: string, patch: JobPatch, when?: WriteCondition, log?: JobLogLine): Promise<JobRecord | undefined> {
    return guard(async () => {
      const allowed = (when?.states ?? []).map((s) => JSON.stringify(s));
      const fence = when?.attemptId === undefined ? '' : JSON.stringify(when.attemptId);
      const fields = Object.entries(encode({ ...patch, updatedAt: new Date().toISOString() })).flat();
      const line = log ? JSON.stringify(log) : '';
      const reply = (await this.redis.eval(COMPARE_AND_SET, 2, this.key(id), this.logsKey(id), fence, line, String(allowed.length), ...allowed, ...fields)) as string[] | null;
      if (!reply) return undefined;
      const record: Record<string, string> = {};
      for (let i = 0; i < reply.length; i += 2) record[reply[i]!] = reply[i + 1]!;
      return decode(record);
    });
  }

  async appendLog(id: string, line: JobLogLine, attemptId?: string | null): Promise<boolean> {
    return guard(async () => {
      if (attemptId === undefined) {
        await this.redis.rpush(this.logsKey(id), JSON.stringify(line));
        return true;
      }
      return (await this.redis.eval(FENCED_APPEND, 2, this.key(id), this.logsKey(id), JSON.stringify(attemptId), JSON.stringify(line))) === 1;
    });
  }

  async logsSince(id: string, from: number): Promise<JobLogLine[]> {
    return guard(async () => (await this.redis.lrange(this.logsKey(id), from, -1)).map((l) => JSON.parse(l) as JobLogLine));
  }

  async idsInState(state: JobState): Promise<string[]> {
    return guard(async () => {
      const ids = await this.redis.zrange(this.indexKey(), '0', '-1');
      const pipeline = this.redis.pipeline();
      for (const id of ids) pipeline.hget(this.key(id), 'state');
      const states = (await pipeline.exec()) ?? [];
      return ids.filter((_, i) => states[i]?.[1] === JSON.stringify(state));
    });
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(id: string): string {
    return `${this.prefix}:job:${id}`;
  }

  private logsKey(id: string): string {
    return `${this.prefix}:job:${id}:logs`;
  }

  private indexKey(): string {
    return `${this.prefix}:jobs`;
  }

  private epochKey(): string {
    return `${this.prefix}:epoch`;
  }
}

async function guard<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    throw unavailable(error);
  }
}

function unavailable(error: unknown): PareError {
  if (error instanceof PareError) return error;
  const why = error instanceof Error ? error.message : String(error);
  return new PareError('backend_unavailable', `The origin's Redis is not answering (${why}); try again shortly.`, { cause: error });
}

function encode(fields: object): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = JSON.stringify(v);
  return out;
}

function decode(fields: Record<string, string>): JobRecord {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = JSON.parse(v);
  return out as unknown as JobRecord;
}

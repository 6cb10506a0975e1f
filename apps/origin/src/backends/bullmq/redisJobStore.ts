import { Redis } from 'ioredis';
import type { JobListQuery, JobLogLine, JobPatch, JobRecord, JobState, JobWithLogs } from '../../jobs/jobRecord';
import type { JobStore } from '../../jobs/jobStore';

// Jobs in Redis, shared by every origin worker. A job is a hash whose fields are the record's top-level
// fields as JSON, so a compare-and-set on `state` is a short Lua script that never re-encodes the record.
// Keys: <prefix>:job:<id> (hash), <prefix>:job:<id>:logs (list), <prefix>:jobs (sorted set by creation time).

const COMPARE_AND_SET = `
  if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
  local n = tonumber(ARGV[1])
  if n > 0 then
    local state = redis.call('HGET', KEYS[1], 'state')
    local allowed = false
    for i = 2, n + 1 do if state == ARGV[i] then allowed = true end end
    if not allowed then return nil end
  end
  for i = n + 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
  return redis.call('HGETALL', KEYS[1])
`;

export class RedisJobStore implements JobStore {
  private readonly redis: Redis;

  constructor(url: string, private readonly prefix: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
    // ioredis reconnects by itself; without a listener every dropped connection is an "unhandled error" print.
    this.redis.on('error', (error: Error) => console.error(`origin: Redis job store: ${error.message}`));
  }

  async insert(job: JobRecord): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key(job.id), encode(job))
      .zadd(this.indexKey(), Date.parse(job.createdAt), job.id)
      .exec();
  }

  async get(id: string): Promise<JobWithLogs | undefined> {
    const [fields, lines] = await Promise.all([this.redis.hgetall(this.key(id)), this.redis.lrange(this.logsKey(id), 0, -1)]);
    if (!fields.state) return undefined;
    return { ...decode(fields), logs: lines.map((l) => JSON.parse(l) as JobLogLine) };
  }

  async getRecord(id: string): Promise<JobRecord | undefined> {
    const fields = await this.redis.hgetall(this.key(id));
    return fields.state ? decode(fields) : undefined;
  }

  async list(query: JobListQuery): Promise<JobRecord[]> {
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
  }

  async update(id: string, patch: JobPatch, whileIn?: readonly JobState[]): Promise<JobRecord | undefined> {
    const allowed = (whileIn ?? []).map((s) => JSON.stringify(s));
    const fields = Object.entries(encode({ ...patch, updatedAt: new Date().toISOString() })).flat();
    const reply = (await this.redis.eval(COMPARE_AND_SET, 1, this.key(id), String(allowed.length), ...allowed, ...fields)) as string[] | null;
    if (!reply) return undefined;
    const record: Record<string, string> = {};
    for (let i = 0; i < reply.length; i += 2) record[reply[i]!] = reply[i + 1]!;
    return decode(record);
  }

  async appendLog(id: string, line: JobLogLine): Promise<void> {
    await this.redis.rpush(this.logsKey(id), JSON.stringify(line));
  }

  async logsSince(id: string, from: number): Promise<JobLogLine[]> {
    return (await this.redis.lrange(this.logsKey(id), from, -1)).map((l) => JSON.parse(l) as JobLogLine);
  }

  async idsInState(state: JobState): Promise<string[]> {
    const ids = await this.redis.zrange(this.indexKey(), '0', '-1');
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.key(id), 'state');
    const states = (await pipeline.exec()) ?? [];
    return ids.filter((_, i) => states[i]?.[1] === JSON.stringify(state));
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

import { Redis } from 'ioredis';
import { PareError } from '@pare/errors';

// What the BullMQ backend checks before it starts: that Redis answers (an origin configured for Redis never
// falls back to anything else), and that it keeps its data across a restart, because a Redis without AOF or
// snapshots loses every queued and running job when it restarts.

export interface RedisCheckOptions {
  url: string;
  /** Start on a Redis that persists nothing (PARE_REDIS_ALLOW_VOLATILE=1): jobs are lost when it restarts. */
  allowVolatile?: boolean;
  connectTimeoutMs?: number;
}

/** Throws `backend_unavailable` when Redis cannot be reached, `option_invalid` when it persists nothing and that was not accepted. */
export async function checkRedis(options: RedisCheckOptions): Promise<void> {
  const where = redactedUrl(options.url);
  const redis = new Redis(options.url, { lazyConnect: true, connectTimeout: options.connectTimeoutMs ?? 5000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => { lastError = error; });
  try {
    try {
      await redis.connect();
      await redis.ping();
    } catch (cause) {
      const why = (lastError ?? (cause as Error)).message;
      throw new PareError('backend_unavailable', `REDIS_URL is set but Redis at ${where} does not answer (${why}). Start Redis, fix REDIS_URL, or unset it to keep jobs in SQLite on this machine.`, { cause });
    }
    const persistence = await persistenceOf(redis);
    if (persistence === 'unknown') {
      console.warn(`origin: could not read Redis's persistence settings at ${where} (CONFIG is disabled); make sure it keeps AOF or snapshots, or jobs are lost when it restarts.`);
    } else if (persistence === 'none' && !options.allowVolatile) {
      throw new PareError('option_invalid', `Redis at ${where} persists nothing (appendonly no, save ""): a restart would lose every queued and running job. Turn on AOF (appendonly yes, see infra/origin/redis.conf.example), or set PARE_REDIS_ALLOW_VOLATILE=1 to accept that.`);
    }
  } finally {
    redis.disconnect();
  }
}

async function persistenceOf(redis: Redis): Promise<'aof' | 'snapshots' | 'none' | 'unknown'> {
  try {
    const [, appendonly] = (await redis.config('GET', 'appendonly')) as string[];
    if (appendonly === 'yes') return 'aof';
    const [, save] = (await redis.config('GET', 'save')) as string[];
    return save && save.trim() !== '' ? 'snapshots' : 'none';
  } catch {
    return 'unknown';
  }
}

/** The URL without its password, for messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparseable REDIS_URL)';
  }
}

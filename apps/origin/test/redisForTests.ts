import { Redis } from 'ioredis';
import { redisServerBinary, startRedisServer } from './redisServer';

// A Redis for the BullMQ tests: REDIS_URL when set, otherwise a redis-server started on a free loopback
// port with AOF on (./redisServer.ts, stopped by `stop`). Undefined only when neither exists: the caller skips loudly.

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

export async function redisForTests(): Promise<TestRedis | undefined> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  if (!redisServerBinary()) return undefined;
  const server = await startRedisServer();
  return { url: server.url, stop: () => server.stop() };
}

export const REDIS_MISSING_MESSAGE =
  '\n\n!!! The BullMQ backend tests need Redis: REDIS_URL is not set and no redis-server binary is installed.\n' +
  '!!! Install it (apt-get install -y redis-server) or set REDIS_URL. They are skipped here; with CI set they fail.\n\n';

/** Remove every key of a test prefix (for a shared REDIS_URL). */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

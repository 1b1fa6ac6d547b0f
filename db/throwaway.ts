import { randomBytes } from 'node:crypto';
import { dropDatabase } from './database-admin';

/*
 * Throwaway databases and Redis prefixes for test, e2e and bench runs: one name per run, removed
 * afterwards. Relative imports only, so Playwright's global setup can load it too.
 */

export interface Throwaway {
  databaseUrl: string;
  redisPrefix: string;
  /** Unique per run, for other per-run names (temp folders). */
  suffix: string;
  /** Drops the database and deletes every Redis key under the prefix. */
  cleanUp(opts?: { keepDatabase?: boolean }): Promise<void>;
}

export function throwaway(label: 'test' | 'e2e' | 'bench', baseUrl = process.env.TEST_DATABASE_BASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'): Throwaway {
  const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const url = new URL(baseUrl);
  url.pathname = `/nw_${label}_${suffix}`;
  const redisPrefix = `nw${label}:${suffix}`;
  return {
    databaseUrl: url.toString(),
    redisPrefix,
    suffix,
    async cleanUp(opts = {}) {
      if (!opts.keepDatabase) await dropDatabase(url.toString());
      await deleteRedisKeys(redisPrefix);
    },
  };
}

/** Deletes every key under `prefix` (SCAN, so a shared Redis is not blocked). */
export async function deleteRedisKeys(prefix: string, redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379') {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

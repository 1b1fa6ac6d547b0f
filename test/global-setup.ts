import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { dropDatabase } from '../db/database-admin';
import { migrateDatabase } from '../db/migrate';

/**
 * Integration tests run against the real PostgreSQL and Redis on this machine, in a throwaway database
 * and under a unique Redis key prefix, both made here and removed after the run.
 */
export default async function setup() {
  const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const base = process.env.TEST_DATABASE_BASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = new URL(base);
  url.pathname = `/nw_test_${suffix}`;
  process.env.DATABASE_URL = url.toString();
  process.env.REDIS_PREFIX = `nwtest:${suffix}`;
  process.env.NEXTAUTH_SECRET ||= randomBytes(32).toString('hex');
  process.env.BCRYPT_ROUNDS ||= '4';
  // A simulated cluster of the run's own, whatever the developer's shell says.
  process.env.NEUROWEAVER_CLUSTER = 'sim';
  process.env.NEUROWEAVER_SIM_KUBECONFIG = path.join(os.tmpdir(), `nw-test-${suffix}`, 'kubeconfig.yaml');
  delete process.env.KUBECONFIG; // fast hashes in tests; production default is 12
  await migrateDatabase(process.env.DATABASE_URL);
  return async () => {
    if (!process.env.KEEP_TEST_DB) await dropDatabase(url.toString());
    const { default: Redis } = await import('ioredis');
    const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `nwtest:${suffix}*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  };
}

import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { migrateDatabase } from '../db/migrate';
import { throwaway } from '../db/throwaway';

/**
 * Integration tests run against the real PostgreSQL and Redis on this machine, in a throwaway database
 * and under a unique Redis key prefix, both made here and removed after the run.
 */
export default async function setup() {
  const run = throwaway('test');
  process.env.DATABASE_URL = run.databaseUrl;
  process.env.REDIS_PREFIX = run.redisPrefix;
  process.env.NEXTAUTH_SECRET ||= randomBytes(32).toString('hex');
  process.env.BCRYPT_ROUNDS ||= '4'; // fast hashes in tests; production default is 12
  // A simulated cluster of the run's own, whatever the developer's shell says.
  process.env.NEUROWEAVER_CLUSTER = 'sim';
  process.env.NEUROWEAVER_SIM_KUBECONFIG = path.join(os.tmpdir(), `nw-test-${run.suffix}`, 'kubeconfig.yaml');
  delete process.env.KUBECONFIG;
  await migrateDatabase(run.databaseUrl);
  return () => run.cleanUp({ keepDatabase: Boolean(process.env.KEEP_TEST_DB) });
}

import { sql } from 'drizzle-orm';
import { db } from '@/db/client';
import { getRedis } from '@/server/queue/redis';
import { probe, withTimeout } from './probe';
import { queueStatuses } from './queue-counts';
import type { SystemStatus } from './schemas';
import { appVersion } from './version';
import { listWorkers } from './worker-heartbeats';

/**
 * One picture of the installation: this web process, live workers, queue depths, database and Redis.
 * Each check is bounded to about a second and failures are reported in the result, so the status page
 * still answers when the thing it reports on is down.
 */
export async function getSystemStatus(): Promise<SystemStatus> {
  const [database, redis, workers, queues] = await Promise.all([
    probe(() => db.execute(sql`select 1`)),
    probe(() => getRedis().ping()),
    withTimeout(listWorkers()).catch(() => []),
    queueStatuses(),
  ]);
  return {
    web: { version: appVersion, node: process.version, uptimeSeconds: Math.floor(process.uptime()), pid: process.pid },
    workers,
    queues,
    database,
    redis,
  };
}

/** Public liveness: answers without touching any dependency, so a load balancer never restarts a web process for Redis being down. */
export function getHealth() {
  return { ok: true as const, version: appVersion };
}

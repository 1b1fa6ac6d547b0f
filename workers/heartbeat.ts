import { hostname } from 'node:os';
import { logger } from '@/server/logger';
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TTL_SECONDS, type Heartbeat, heartbeatKey } from '@/server/queue/heartbeat';
import { getRedis } from '@/server/queue/redis';
import { appVersion } from '@/server/system/version';
import { processedCounts, registeredQueues } from './register';

export interface HeartbeatHandle {
  /** Stops beating and deletes the key, so the status page drops this process at once instead of after the TTL. */
  stop(): Promise<void>;
}

/** Writes this process's heartbeat now and every HEARTBEAT_INTERVAL_MS; the key expires on its own if the process dies. */
export async function startHeartbeat(): Promise<HeartbeatHandle> {
  const host = hostname();
  const key = heartbeatKey(host, process.pid);
  const startedAt = new Date().toISOString();
  const redis = getRedis();

  const beat = async () => {
    const value: Heartbeat = {
      pid: process.pid,
      hostname: host,
      startedAt,
      at: new Date().toISOString(),
      version: appVersion,
      queues: registeredQueues(),
      processed: processedCounts() as Heartbeat['processed'],
    };
    await redis.set(key, JSON.stringify(value), 'EX', HEARTBEAT_TTL_SECONDS);
  };

  await beat();
  const timer = setInterval(() => {
    // A missed beat is not fatal: Redis may be restarting, and the next beat rewrites the key.
    beat().catch((err: Error) => logger.warn({ err: err.message }, 'heartbeat write failed'));
  }, HEARTBEAT_INTERVAL_MS);
  timer.unref();

  return {
    async stop() {
      clearInterval(timer);
      await redis.del(key).catch(() => {});
    },
  };
}

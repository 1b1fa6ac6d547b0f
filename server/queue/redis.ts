import { Redis } from 'ioredis';
import { getEnv } from '@/server/env';
import { logger } from '@/server/logger';

export type RedisUse = 'client' | 'worker';

// Every client this module made, so closeRedis() can end them all (the worker's too).
const clients = new Set<Redis>();
// Survives Next's hot reload in development so each reload does not open a new connection.
const globalForRedis = globalThis as unknown as { __nwRedis?: Redis };

/**
 * A new Redis connection to REDIS_URL.
 * - 'client': fails a command after a few reconnect attempts, so a web request answers instead of hanging.
 * - 'worker': retries forever (`maxRetriesPerRequest: null`), which BullMQ requires for its blocking
 *   connections; a worker should wait out a Redis restart rather than crash.
 */
export function createRedis(use: RedisUse = 'client', name = `nw-${process.env.NW_SERVICE ?? 'web'}`): Redis {
  const client = new Redis(getEnv().REDIS_URL, {
    connectionName: name,
    maxRetriesPerRequest: use === 'worker' ? null : 2,
    connectTimeout: 5_000,
  });
  clients.add(client);
  client.once('end', () => clients.delete(client));
  // Log the first error of an outage, not every reconnect attempt.
  let reported = false;
  client.on('error', (err) => {
    if (reported) return;
    reported = true;
    logger.warn({ err: err.message, name }, 'redis connection error');
  });
  client.on('ready', () => {
    reported = false;
  });
  return client;
}

/** The process-wide client for ordinary (non-blocking) commands: queue producers, heartbeats, probes. */
export function getRedis(): Redis {
  globalForRedis.__nwRedis ??= createRedis('client');
  return globalForRedis.__nwRedis;
}

/** Ends every connection made here; waits for a clean QUIT but never longer than a second. */
export async function closeRedis(): Promise<void> {
  globalForRedis.__nwRedis = undefined;
  const all = [...clients];
  clients.clear();
  await Promise.all(
    all.map(async (client) => {
      if (client.status === 'end') return;
      const timer = setTimeout(() => client.disconnect(), 1_000);
      try {
        await client.quit();
      } catch {
        client.disconnect();
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}

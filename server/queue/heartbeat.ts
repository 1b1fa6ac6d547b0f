/**
 * Worker liveness, shared by the worker process (writes) and the system status page (reads): each worker
 * process refreshes one Redis key every few seconds; the key expiring means the process is gone.
 */
import { z } from 'zod';
import { getEnv } from '@/server/env';

export const HEARTBEAT_INTERVAL_MS = 5_000;
export const HEARTBEAT_TTL_SECONDS = 20;
/** A heartbeat older than this counts as not alive: three missed beats, while the key may not have expired yet. */
export const HEARTBEAT_STALE_MS = 3 * HEARTBEAT_INTERVAL_MS;

export const heartbeatSchema = z.object({
  pid: z.number().int(),
  hostname: z.string(),
  startedAt: z.iso.datetime(),
  at: z.iso.datetime(),
  version: z.string(),
  queues: z.array(z.string()),
  /** Jobs finished since the process started, per queue. */
  processed: z.record(z.string(), z.object({ completed: z.number().int(), failed: z.number().int() })),
});
export type Heartbeat = z.infer<typeof heartbeatSchema>;

export function heartbeatKey(hostname: string, pid: number): string {
  return `${getEnv().REDIS_PREFIX}:worker:heartbeat:${hostname}:${pid}`;
}

/** SCAN pattern for every worker's heartbeat under this install's prefix. */
export function heartbeatPattern(): string {
  return `${getEnv().REDIS_PREFIX}:worker:heartbeat:*`;
}

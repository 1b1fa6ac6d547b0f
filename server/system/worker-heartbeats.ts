import { getRedis } from '@/server/queue/redis';
import { HEARTBEAT_STALE_MS, heartbeatPattern, heartbeatSchema } from '@/server/queue/heartbeat';
import type { WorkerStatus } from './schemas';

/** Every worker process whose heartbeat key has not expired yet, oldest host first. */
export async function listWorkers(now = Date.now()): Promise<WorkerStatus[]> {
  const redis = getRedis();
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', heartbeatPattern(), 'COUNT', 200);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  if (keys.length === 0) return [];

  const values = await redis.mget(...keys);
  const workers: WorkerStatus[] = [];
  for (const raw of values) {
    // The key may have expired between SCAN and MGET, or come from an older worker with another shape.
    const parsed = raw ? heartbeatSchema.safeParse(safeJson(raw)) : null;
    if (!parsed?.success) continue;
    const ago = Math.max(0, now - Date.parse(parsed.data.at));
    workers.push({ ...parsed.data, alive: ago < HEARTBEAT_STALE_MS, lastHeartbeatAgoMs: ago });
  }
  return workers.sort((a, b) => a.hostname.localeCompare(b.hostname) || a.pid - b.pid);
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

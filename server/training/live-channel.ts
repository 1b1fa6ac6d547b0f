import { z } from 'zod';
import { getEnv } from '@/server/env';
import { logger } from '@/server/logger';
import { getRedis } from '@/server/queue/redis';

/*
 * "A pipeline changed" notices on Redis pub/sub, from whichever process committed the change (workers,
 * the API process ingesting trainer events, the web process for cancel/retry) to every web process
 * holding live pages open (./live-hub.ts). A notice carries no state: subscribers re-read the pipeline,
 * so a lost or duplicated notice costs at most one refresh, and the database stays the only truth.
 * Publish only after the change is committed, or a subscriber may read the state from before it.
 */

/** What changed, so a page refetches only what it shows of it. */
export const LIVE_KINDS = ['state', 'progress', 'metrics', 'logs', 'judge'] as const;
export type LiveKind = (typeof LIVE_KINDS)[number];

export interface PipelineChange {
  id: string;
  kinds: LiveKind[];
}

export const pipelineChangesSchema = z.array(z.object({ id: z.string().min(1), kinds: z.array(z.enum(LIVE_KINDS)).min(1) })).min(1);

/** Under REDIS_PREFIX like every key and queue, so test runs and installs sharing one Redis never cross. */
export const liveChannel = () => `${getEnv().REDIS_PREFIX}:training:changed`;

const log = logger.child({ component: 'training-live' });
let lastErrorAt = 0;

/** Changes noted in this turn of the event loop, by pipeline id, published together at the end of it. */
let pending: Map<string, Set<LiveKind>> | null = null;

/**
 * Fire-and-forget: notes the changes and publishes everything noted in this turn of the event loop as ONE
 * PUBLISH on the process's shared Redis client (a burst of transitions or trainer events in one turn is one
 * message, one pipeline's kinds merged). Never throws and never waits: live pages are a convenience on top
 * of committed state (their fallback poll catches up), so a Redis hiccup must not fail or slow a transition.
 * Errors are logged at most every 10 s.
 */
export function publishPipelineChanges(changes: PipelineChange[]): void {
  if (!changes.length) return;
  if (!pending) {
    pending = new Map();
    setImmediate(flush);
  }
  for (const { id, kinds } of changes) {
    const known = pending.get(id);
    if (known) for (const k of kinds) known.add(k);
    else pending.set(id, new Set(kinds));
  }
}

function flush() {
  const batch = pending!;
  pending = null;
  const changes: PipelineChange[] = [...batch].map(([id, kinds]) => ({ id, kinds: [...kinds] }));
  try {
    getRedis()
      .publish(liveChannel(), JSON.stringify(changes))
      .catch(reportError);
  } catch (error) {
    reportError(error);
  }
}

/** One pipeline's change; see publishPipelineChanges. */
export function publishPipelineChanged(id: string, ...kinds: LiveKind[]): void {
  publishPipelineChanges([{ id, kinds: kinds.length ? kinds : ['state'] }]);
}

function reportError(error: unknown) {
  const now = Date.now();
  if (now - lastErrorAt < 10_000) return;
  lastErrorAt = now;
  log.warn({ err: error instanceof Error ? error.message : String(error) }, 'publishing a pipeline change failed; live pages catch up on their fallback poll');
}

import type { Redis } from 'ioredis';
import { ServiceUnavailableError } from '@/server/errors';
import { logger } from '@/server/logger';
import { createRedis } from '@/server/queue/redis';
import { type LiveKind, liveChannel, type PipelineChange, pipelineChangesSchema } from './live-channel';
import { getPipelineStatus } from './service';

/*
 * The subscriber side of ./live-channel.ts, once per server process: ONE Redis connection in subscribe mode,
 * fanned out in memory to however many live streams (browser tabs) this process serves. Notices are
 * coalesced here, before anyone reads the database: per pipeline, at most one refresh every
 * PIPELINE_INTERVAL_MS however many trainer batches or transitions arrive, and that one read of the status is
 * shared by every tab watching the pipeline; the list gets the ids that changed at most every LIST_INTERVAL_MS.
 */

export type PipelineSnapshot = Awaited<ReturnType<typeof getPipelineStatus>>;

/**
 * A burst of changes reaches a page at most this often (≤ 2 per second), and the first one at once. The
 * list too: with a 1 s interval a change right after a refresh (a cancel just after a progress notice)
 * spent half of the 2 s the page is allowed before it showed, and a busy server the rest.
 */
export const PIPELINE_INTERVAL_MS = 500;
export const LIST_INTERVAL_MS = 500;
/** How long a new stream waits for the channel subscription before telling the browser to retry. */
const SUBSCRIBE_TIMEOUT_MS = 5_000;

const log = logger.child({ component: 'training-live' });

/** The fresh status and the kinds that changed since the previous call (all kinds after a lost connection). */
type PipelineListener = (status: PipelineSnapshot, kinds: LiveKind[]) => void;
type ListListener = (ids: string[]) => void;

interface Throttle {
  timer?: NodeJS.Timeout;
  running?: boolean;
  lastRun: number;
  /** Something arrived while `run` was running: run again (after the interval) once it is done. */
  again?: boolean;
}

/**
 * Runs `run` now, or once `interval` has passed since it last started; calls meanwhile fold into that one
 * run, and calls during a run into the next, so a slow read never overlaps itself.
 */
function schedule(t: Throttle, interval: number, run: () => Promise<void> | void) {
  if (t.running) {
    t.again = true;
    return;
  }
  if (t.timer) return;
  t.timer = setTimeout(async () => {
    t.timer = undefined;
    t.lastRun = Date.now();
    t.running = true;
    try {
      await run();
    } finally {
      t.running = false;
      if (t.again) {
        t.again = false;
        schedule(t, interval, run);
      }
    }
  }, Math.max(0, t.lastRun + interval - Date.now()));
}

interface PipelineWatch extends Throttle {
  listeners: Set<PipelineListener>;
  pending: Set<LiveKind>;
}

const ALL_KINDS: LiveKind[] = ['state', 'progress', 'metrics', 'logs', 'judge'];
const LIST_KINDS: ReadonlySet<LiveKind> = new Set(['state', 'progress']);

class LiveHub {
  private redis?: Redis;
  private subscribed?: Promise<unknown>;
  private readonly pipelines = new Map<string, PipelineWatch>();
  private readonly lists = new Set<ListListener>();
  private readonly list: Throttle & { pending: Set<string> } = { lastRun: 0, pending: new Set() };

  /**
   * Calls `listener` (throttled) whenever the pipeline changes, from the moment this resolves; returns the
   * function that stops it. Throws ServiceUnavailableError (the browser retries) when Redis cannot be reached.
   */
  async watchPipeline(id: string, listener: PipelineListener): Promise<() => void> {
    let watch = this.pipelines.get(id);
    if (!watch) this.pipelines.set(id, (watch = { listeners: new Set(), pending: new Set(), lastRun: 0 }));
    watch.listeners.add(listener);
    const stop = () => {
      watch.listeners.delete(listener);
      if (watch.listeners.size || this.pipelines.get(id) !== watch) return;
      clearTimeout(watch.timer);
      this.pipelines.delete(id);
    };
    return this.afterSubscribed(stop);
  }

  /** Calls `listener` with the ids of pipelines whose status or progress changed, at most every LIST_INTERVAL_MS. */
  async watchList(listener: ListListener): Promise<() => void> {
    this.lists.add(listener);
    return this.afterSubscribed(() => this.lists.delete(listener));
  }

  private async afterSubscribed(stop: () => void): Promise<() => void> {
    try {
      await withTimeout(this.connect(), SUBSCRIBE_TIMEOUT_MS);
      return stop;
    } catch (error) {
      stop();
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'live updates: cannot subscribe to Redis');
      throw new ServiceUnavailableError('Live updates are unavailable right now (Redis); retrying');
    }
  }

  /** Subscribes the process's one subscriber connection (made on first use); resolves once the channel is subscribed. */
  private connect(): Promise<unknown> {
    if (this.subscribed) return this.subscribed;
    const redis = (this.redis ??= this.open());
    const subscribed = redis.subscribe(liveChannel());
    this.subscribed = subscribed;
    // A failed subscribe is tried again (same connection) by the next stream; nobody waits on a rejected promise.
    subscribed.catch(() => {
      if (this.subscribed === subscribed) this.subscribed = undefined;
    });
    return subscribed;
  }

  private open(): Redis {
    const redis = createRedis('worker', `nw-${process.env.NW_SERVICE ?? 'web'}-live`);
    const channel = liveChannel();
    redis.on('message', (from: string, message: string) => {
      if (from === channel) this.onMessage(message);
    });
    let connectedBefore = false;
    redis.on('ready', () => {
      if (connectedBefore) {
        // Notices published while the connection was down are lost: subscribe again (ioredis does too; it
        // is idempotent) and refresh everything watched, as if each pipeline had changed in every way.
        void redis.subscribe(channel).then(() => this.resyncAll(), () => undefined);
      }
      connectedBefore = true;
    });
    redis.once('end', () => {
      if (this.redis !== redis) return;
      this.redis = undefined;
      this.subscribed = undefined;
    });
    return redis;
  }

  private onMessage(message: string) {
    let changes: PipelineChange[];
    try {
      changes = pipelineChangesSchema.parse(JSON.parse(message));
    } catch {
      log.warn({ message: message.slice(0, 200) }, 'ignoring a malformed pipeline-change notice');
      return;
    }
    for (const { id, kinds } of changes) {
      this.notePipeline(id, kinds);
      if (this.lists.size && kinds.some((k) => LIST_KINDS.has(k))) this.noteList(id);
    }
  }

  private notePipeline(id: string, kinds: LiveKind[]) {
    const watch = this.pipelines.get(id);
    if (!watch) return;
    for (const k of kinds) watch.pending.add(k);
    schedule(watch, PIPELINE_INTERVAL_MS, async () => {
      if (!watch.listeners.size) return;
      const changed = [...watch.pending];
      watch.pending.clear();
      try {
        const status = await getPipelineStatus(id);
        for (const listener of watch.listeners) listener(status, changed);
      } catch (error) {
        // Dropped, not retried: the next change or the page's fallback poll brings the page up to date.
        log.warn({ err: error instanceof Error ? error.message : String(error), pipelineId: id }, 'live updates: reading the pipeline failed');
      }
    });
  }

  private noteList(id: string) {
    this.list.pending.add(id);
    schedule(this.list, LIST_INTERVAL_MS, () => {
      const ids = [...this.list.pending];
      this.list.pending.clear();
      for (const listener of this.lists) listener(ids);
    });
  }

  private resyncAll() {
    for (const id of this.pipelines.keys()) this.notePipeline(id, ALL_KINDS);
    if (this.lists.size) this.noteList('*');
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no subscription within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// One hub per process; survives Next's hot reload in development like the Redis client.
const globalForLive = globalThis as unknown as { __nwLiveHub?: LiveHub };
export const liveHub: LiveHub = (globalForLive.__nwLiveHub ??= new LiveHub());

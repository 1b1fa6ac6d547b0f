import { createHash } from 'node:crypto';
import { tracked, type TrackedEnvelope } from '@trpc/server';
import { LIVE_KINDS, type LiveKind } from './live-channel';
import { liveHub, type PipelineSnapshot } from './live-hub';
import { getPipelineStatus } from './service';

/*
 * The live streams behind the `training.live` and `training.liveList` subscriptions (tRPC over SSE). Each
 * registers with the process's hub (./live-hub.ts) BEFORE reading anything, so no change can fall between
 * the first read and the first notice. A stream keeps only the newest undelivered update: a slow browser
 * gets the latest state, not a backlog.
 */

export interface LivePipelineEvent {
  status: PipelineSnapshot;
  /** What else changed since the previous event: the page refetches those (metrics, logs, judge results). */
  changed: LiveKind[];
}

/** Identifies a snapshot: the SSE event id, which the browser sends back as lastEventId when it reconnects. */
function versionOf(status: PipelineSnapshot): string {
  return createHash('sha1').update(JSON.stringify(status)).digest('base64url').slice(0, 16);
}

/** Kinds whose data is not in the status snapshot, so a notice of them matters even when the snapshot is unchanged. */
const OUTSIDE_SNAPSHOT: ReadonlySet<LiveKind> = new Set(['metrics', 'logs', 'judge']);

/** Holds the newest value not yet taken, folding newer ones into it; `take` waits for one or the abort. */
class Latest<T> {
  private value?: T;
  private has = false;
  private wake?: () => void;
  constructor(private readonly fold: (older: T, newer: T) => T) {}

  put(value: T) {
    this.value = this.has ? this.fold(this.value as T, value) : value;
    this.has = true;
    this.wake?.();
  }

  async take(signal: AbortSignal | undefined): Promise<T | null> {
    while (!this.has) {
      if (signal?.aborted) return null;
      await new Promise<void>((resolve) => {
        const done = () => {
          signal?.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        this.wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
    const value = this.value as T;
    this.value = undefined;
    this.has = false;
    return value;
  }
}

/** Runs `stop` once, whether the stream ends normally, is returned before it started, or the request aborts. */
function once(stop: () => void, signal: AbortSignal | undefined): () => void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    signal?.removeEventListener('abort', run);
    stop();
  };
  signal?.addEventListener('abort', run, { once: true });
  return run;
}

/**
 * Starts a pipeline's live stream: the current status at once (with every kind marked changed when the browser
 * is resuming, as it may have missed anything), then a fresh status after each change. Throws (before any
 * event) NotFoundError for an unknown pipeline and ServiceUnavailableError when Redis is unreachable.
 */
export async function openPipelineStream(id: string, opts: { lastEventId?: string | null; signal?: AbortSignal }): Promise<AsyncGenerator<TrackedEnvelope<LivePipelineEvent>>> {
  const inbox = new Latest<LivePipelineEvent>((a, b) => ({ status: b.status, changed: [...new Set([...a.changed, ...b.changed])] }));
  const stop = once(await liveHub.watchPipeline(id, (status, changed) => inbox.put({ status, changed })), opts.signal);
  try {
    const first = await getPipelineStatus(id);
    return stream(first, opts, inbox, stop);
  } catch (error) {
    stop();
    throw error;
  }
}

async function* stream(first: PipelineSnapshot, opts: { lastEventId?: string | null; signal?: AbortSignal }, inbox: Latest<LivePipelineEvent>, stop: () => void) {
  try {
    let sent = versionOf(first);
    yield tracked(sent, { status: first, changed: opts.lastEventId ? [...LIVE_KINDS] : [] } satisfies LivePipelineEvent);
    for (;;) {
      const event = await inbox.take(opts.signal);
      if (!event) return;
      const version = versionOf(event.status);
      // Nothing the page shows moved (e.g. a notice for a change it read already): stay quiet.
      if (version === sent && !event.changed.some((k) => OUTSIDE_SNAPSHOT.has(k))) continue;
      sent = version;
      yield tracked(version, event);
    }
  } finally {
    stop();
  }
}

/** Starts the pipelines list's live stream: the ids of pipelines whose status or progress changed, at most twice a second. */
export async function openListStream(opts: { signal?: AbortSignal }): Promise<AsyncGenerator<{ ids: string[] }>> {
  const inbox = new Latest<string[]>((a, b) => [...new Set([...a, ...b])]);
  const stop = once(await liveHub.watchList((ids) => inbox.put(ids)), opts.signal);
  return (async function* () {
    try {
      for (;;) {
        const ids = await inbox.take(opts.signal);
        if (!ids) return;
        yield { ids };
      }
    } finally {
      stop();
    }
  })();
}

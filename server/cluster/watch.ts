import { DomainError } from '@/server/errors';
import { logger } from '@/server/logger';
import { ClusterGoneError, clusterErrorFromResponse } from './errors';

/*
 * A watch that survives dropped streams. It remembers the resourceVersion of the last event it delivered
 * (bookmarks move it too) and reconnects from there, so the server replays exactly what came after: no
 * event is lost, none is delivered twice. When that version is too old for the server (410 Gone, as an
 * HTTP status or an ERROR event), it lists again, delivers a SYNC with the current set, and watches on
 * from the list's resourceVersion. Without a starting resourceVersion it begins with a list and a SYNC.
 */

export type WatchEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  /** The complete current set: on start without a resourceVersion, and after a 410 Gone. */
  | { type: 'SYNC'; objects: T[]; resourceVersion: string };

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Resume after this version; omit to start with a SYNC of the current set. */
  resourceVersion?: string;
}

export interface WatchHandle {
  /** Ends the watch; no event is delivered after it returns. */
  stop(): void;
  /** Resolves once the first stream is open (after the first SYNC); rejects when the start fails with a 4xx. */
  readonly ready: Promise<void>;
  /** The version the watch would resume from now. */
  readonly resourceVersion: string | undefined;
}

/** The two server calls a watch needs; client.ts binds them to client-node's `Watch` and list. */
export interface WatchTransport<T> {
  list(): Promise<{ items: T[]; resourceVersion: string }>;
  /**
   * Opens one stream from `resourceVersion`. `onEvent` receives each decoded line; `onDone` is called
   * once when the stream ends, with the error if any (`statusCode` 410 for an HTTP Gone).
   */
  open(
    resourceVersion: string,
    onEvent: (type: string, object: unknown) => void,
    onDone: (error: unknown) => void,
  ): Promise<{ abort(): void }>;
}

/** What a watch needs of the objects it sees. */
export interface WatchedObject {
  metadata?: { name?: string; uid?: string; resourceVersion?: string };
}

export interface WatchTuning {
  /** First reconnect delay after an error (doubles up to maxBackoffMs). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A stream that ends sooner than this without error also counts as a failure (no hot loop). */
  minHealthyStreamMs?: number;
  /** How many delivered (uid, resourceVersion, type) keys are remembered to drop replays. */
  dedupWindow?: number;
}

interface StatusObject {
  kind?: string;
  code?: number;
  message?: string;
  reason?: string;
}

export function resilientWatch<T extends WatchedObject>(
  what: string,
  transport: WatchTransport<T>,
  options: WatchOptions,
  onEvent: (event: WatchEvent<T>) => void | Promise<void>,
  tuning: WatchTuning = {},
): WatchHandle {
  const initialBackoff = tuning.initialBackoffMs ?? 200;
  const maxBackoff = tuning.maxBackoffMs ?? 10_000;
  const minHealthy = tuning.minHealthyStreamMs ?? 1_000;
  const dedupWindow = tuning.dedupWindow ?? 4_096;
  const log = logger.child({ watch: what });

  let resourceVersion = options.resourceVersion || undefined;
  let stopped = false;
  let generation = 0;
  let current: { abort(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let backoff = initialBackoff;
  /** Failures since the last delivered event: a single dropped stream is routine, a run of them is not. */
  let failures = 0;
  const logFailure = (error: unknown, message: string) => {
    failures++;
    if (failures >= 3) log.warn({ err: error, failures }, message);
    else log.debug({ err: error }, message);
  };
  let started = false;
  const delivered = new Set<string>();

  let resolveReady!: () => void;
  let rejectReady!: (e: unknown) => void;
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  ready.catch(() => undefined); // a caller that never awaits `ready` must not see an unhandled rejection

  const emit = (event: WatchEvent<T>) => {
    try {
      const result = onEvent(event);
      if (result && typeof (result as Promise<void>).catch === 'function') {
        (result as Promise<void>).catch((error) => log.error({ err: error }, 'watch handler failed'));
      }
    } catch (error) {
      log.error({ err: error }, 'watch handler failed');
    }
  };

  const remember = (key: string) => {
    delivered.add(key);
    if (delivered.size > dedupWindow) delivered.delete(delivered.values().next().value as string);
  };

  const schedule = (fn: () => void, delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(fn, delay);
  };

  const nextBackoff = () => {
    const delay = backoff;
    backoff = Math.min(backoff * 2, maxBackoff);
    return delay / 2 + Math.random() * (delay / 2);
  };

  /** A failure before the first stream opened: 4xx ends the watch (it will not heal); anything else retries. */
  const failStart = (error: unknown, retry: () => void) => {
    if (!started && error instanceof DomainError) {
      stopped = true;
      rejectReady(error);
      return;
    }
    logFailure(error, 'watch failed; retrying');
    schedule(retry, nextBackoff());
  };

  const resync = async () => {
    if (stopped) return;
    try {
      const { items, resourceVersion: listVersion } = await transport.list();
      if (stopped) return;
      resourceVersion = listVersion;
      delivered.clear();
      emit({ type: 'SYNC', objects: items, resourceVersion: listVersion });
      await connect();
    } catch (error) {
      failStart(error, resync);
    }
  };

  const connect = async () => {
    if (stopped) return;
    const myGeneration = ++generation;
    const openedAt = Date.now();
    let ended = false;
    let gone = false;
    let abortWhenOpen = false;

    const onLine = (type: string, raw: unknown) => {
      if (stopped || myGeneration !== generation || ended) return;
      if (type === 'ERROR') {
        const status = raw as StatusObject;
        if (status?.code === 410) gone = true;
        else log.warn({ status }, 'watch stream reported an error');
        // onDone follows and decides: re-list on Gone, reconnect otherwise.
        if (current) current.abort();
        else abortWhenOpen = true;
        return;
      }
      const object = raw as T;
      const version = object?.metadata?.resourceVersion;
      if (type === 'BOOKMARK') {
        if (version) resourceVersion = version;
        return;
      }
      if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
      const key = `${object.metadata?.uid ?? object.metadata?.name}/${version}/${type}`;
      if (version) resourceVersion = version;
      backoff = initialBackoff;
      failures = 0;
      if (delivered.has(key)) return;
      remember(key);
      emit({ type, object });
    };

    const onDone = (error: unknown) => {
      if (ended || myGeneration !== generation) return;
      ended = true;
      current = undefined;
      if (stopped) return;
      const statusCode = (error as { statusCode?: number } | null)?.statusCode;
      const healthy = Date.now() - openedAt >= minHealthy;
      if (gone || statusCode === 410) {
        log.debug('watch resourceVersion too old; re-listing');
        schedule(() => void resync(), healthy ? 0 : nextBackoff());
        return;
      }
      if (statusCode && statusCode >= 400 && statusCode < 500 && !started) {
        failStart(clusterErrorFromResponse(statusCode, (error as Error).message, what), () => void connect());
        return;
      }
      const timedOut = (error as Error | null)?.name === 'TimeoutError';
      if ((!error || timedOut) && healthy) {
        schedule(() => void connect(), 0);
      } else {
        if (error && !timedOut) logFailure(error, 'watch stream failed; reconnecting');
        schedule(() => void connect(), nextBackoff());
      }
    };

    try {
      const handle = await transport.open(resourceVersion ?? '', onLine, onDone);
      if (stopped || myGeneration !== generation) {
        handle.abort();
        return;
      }
      if (abortWhenOpen) handle.abort();
      else if (!ended) current = handle;
      if (!started && !ended) {
        started = true;
        resolveReady();
      }
    } catch (error) {
      if (error instanceof ClusterGoneError) onDone({ statusCode: 410 });
      else if (!ended) {
        ended = true;
        failStart(error, () => void connect());
      }
    }
  };

  if (resourceVersion) void connect();
  else void resync();

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      generation++;
      current?.abort();
      current = undefined;
      resolveReady();
    },
    ready,
    get resourceVersion() {
      return resourceVersion;
    },
  };
}

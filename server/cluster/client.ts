import { Writable } from 'node:stream';
import { ApiException, Log, Watch, type KubeConfig } from '@kubernetes/client-node';
import type { IEvent } from 'kubernetes-models/v1/Event';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { PlainObjectApi } from './api';
import { poolAgents } from './pooled-agents';
import { retryStaleConnection } from './stale-connection';
import {
  ClusterKindUnavailableError,
  ClusterNotFoundError,
  ClusterUnavailableError,
  clusterErrorFromResponse,
  isClusterError,
} from './errors';
import { Kinds, type KindRef, type ObjectMeta } from './kinds';
import { resilientWatch, type WatchedObject, type WatchEvent, type WatchHandle, type WatchOptions, type WatchTuning } from './watch';

/** The field manager of every server-side apply NeuroWeaver makes. */
export const FIELD_MANAGER = 'neuroweaver';

/** Anything with a kind and a name: a manifest from the builders or an object read back. */
export interface ApplicableObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ListResult<T> {
  items: T[];
  /** The list's resourceVersion: watch from here to see every later change. */
  resourceVersion: string;
}

export interface DeleteOptions {
  /** Default `Background`: dependents (a Job's pods, a Deployment's ReplicaSets) go too. */
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
}

export interface LogOptions {
  /** Defaults to the pod's first container. */
  container?: string;
  follow?: boolean;
  tailLines?: number;
  /** The previous (crashed) instance of the container. */
  previous?: boolean;
}

export interface LogStream {
  /** Stops following; `done` resolves. */
  stop(): void;
  /** Resolves when the stream ends (or is stopped), after the last line; rejects if it breaks. */
  done: Promise<void>;
}

/** An event about an object, in the form the UI shows. */
export interface ClusterEventSummary {
  type: string;
  reason: string;
  message: string;
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
  source: string | null;
}

/**
 * The one wrapper around @kubernetes/client-node. Objects go in and come out as plain JSON; every API
 * error is one of ./errors.ts (4xx as DomainErrors, so they never become a 500).
 */
export class ClusterClient {
  private readonly api: PlainObjectApi;

  constructor(
    private readonly kc: KubeConfig,
    /** Namespace of every namespaced object unless the object names another. */
    readonly namespace: string,
    private readonly watchTuning: WatchTuning = {},
  ) {
    this.api = PlainObjectApi.forConfig(poolAgents(kc), namespace);
  }

  /**
   * Server-side apply (PATCH `application/apply-patch+yaml`, fieldManager `neuroweaver`, force): creates
   * the object or makes the fields we manage match, taking them over from any other manager. Applying
   * the same manifest twice changes nothing (the generation stays). A `metadata.resourceVersion` in
   * the object makes it conditional: ClusterConflictError when the object has moved on.
   */
  async apply<T extends ApplicableObject>(obj: T): Promise<T> {
    const body = structuredClone(obj) as T;
    // An object read back carries managedFields, which an apply must not send.
    if (body.metadata) delete (body.metadata as { managedFields?: unknown }).managedFields;
    return this.call(`apply ${describe(obj)}`, () => this.api.serverSideApply(body as never, FIELD_MANAGER, true), true) as Promise<T>;
  }

  /** @throws ClusterNotFoundError when there is no such object */
  async get<T>(ref: KindRef<T>, name: string, namespace = this.namespace): Promise<T> {
    assertName(name);
    try {
      return (await this.call(
        `get ${ref.kind} ${name}`,
        async () => {
          await this.api.resolve(ref);
          return this.api.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name, namespace } });
        },
        true,
      )) as T;
    } catch (error) {
      if (error instanceof ClusterKindUnavailableError) throw new ClusterNotFoundError(error.message);
      throw error;
    }
  }

  /** Like `get`, but null when the object (or its kind) does not exist. */
  async find<T>(ref: KindRef<T>, name: string, namespace = this.namespace): Promise<T | null> {
    try {
      return await this.get(ref, name, namespace);
    } catch (error) {
      if (error instanceof ClusterNotFoundError) return null;
      throw error;
    }
  }

  /** Objects of a kind in the namespace (every namespace for cluster-scoped kinds), filtered by selectors. */
  async list<T>(ref: KindRef<T>, options: ListOptions = {}, namespace = this.namespace): Promise<ListResult<T>> {
    const result = (await this.call(
      `list ${ref.kind}`,
      async () => {
        await this.api.resolve(ref);
        return this.api.list(ref.apiVersion, ref.kind, namespace, undefined, undefined, undefined, options.fieldSelector || undefined, options.labelSelector || undefined);
      },
      true,
    )) as unknown as { metadata?: { resourceVersion?: string }; items?: Array<Record<string, unknown>> };
    // List items come without apiVersion and kind; put them back so each item stands on its own.
    const items = (result.items ?? []).map((item) => ({ apiVersion: ref.apiVersion, kind: ref.kind, ...item }) as T);
    return { items, resourceVersion: result.metadata?.resourceVersion ?? '' };
  }

  /** Deletes an object; false when it was not there (or its kind is not served). */
  async delete(ref: KindRef<unknown>, name: string, options: DeleteOptions = {}, namespace = this.namespace): Promise<boolean> {
    assertName(name);
    try {
      await this.call(`delete ${ref.kind} ${name}`, async () => {
        await this.api.resolve(ref);
        return this.api.delete(
          { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name, namespace } },
          undefined,
          undefined,
          undefined,
          undefined,
          options.propagationPolicy ?? 'Background',
        );
      });
      return true;
    } catch (error) {
      if (error instanceof ClusterNotFoundError || error instanceof ClusterKindUnavailableError) return false;
      throw error;
    }
  }

  /**
   * Watches a kind in the namespace; see ./watch.ts for the guarantees (resume from the last
   * resourceVersion after a dropped stream, re-list and SYNC after 410 Gone). `onEvent` is called in
   * order, one event at a time; a returned promise is not awaited (its rejection is logged).
   */
  watch<T extends WatchedObject>(
    ref: KindRef<T>,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void | Promise<void>,
    namespace = this.namespace,
  ): WatchHandle {
    const watcher = new Watch(this.kc);
    const selectors = { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };
    return resilientWatch<T>(
      `${ref.kind}${options.labelSelector ? ` ${options.labelSelector}` : ''}`,
      {
        list: () => this.list(ref, selectors, namespace),
        open: async (resourceVersion, onLine, onDone) => {
          const path = await this.call(`watch ${ref.kind}`, () => this.api.collectionPath(ref, namespace));
          const controller = await watcher.watch(
            path,
            {
              ...selectors,
              resourceVersion: resourceVersion || undefined,
              allowWatchBookmarks: true,
              // Servers end a watch after timeoutSeconds; spread so many watches do not reconnect together.
              timeoutSeconds: 240 + Math.floor(Math.random() * 120),
            },
            (type, object) => onLine(type, object),
            onDone,
          );
          return { abort: () => controller.abort() };
        },
      },
      options,
      onEvent,
      this.watchTuning,
    );
  }

  /** Streams a pod's log line by line (without the newline). With `follow`, until the container ends or `stop()`. */
  async streamLogs(pod: string | IPod, options: LogOptions, onLine: (line: string) => void): Promise<LogStream> {
    const podObject = typeof pod === 'string' ? null : pod;
    const name = typeof pod === 'string' ? pod : (pod.metadata?.name ?? '');
    const namespace = podObject?.metadata?.namespace ?? this.namespace;
    assertName(name);
    const container =
      options.container ?? (podObject ?? (await this.get(Kinds.Pod, name, namespace))).spec?.containers?.[0]?.name;
    if (!container) throw new ClusterNotFoundError(`pod ${name} has no container`);

    let rest = '';
    let stopped = false;
    let settle!: { resolve: () => void; reject: (e: unknown) => void };
    const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const flush = () => {
      if (rest && !stopped) onLine(rest.replace(/\r$/, ''));
      rest = '';
    };
    const sink = new Writable({
      decodeStrings: false,
      write(chunk: Buffer | string, _encoding, callback) {
        if (!stopped) {
          rest += chunk.toString();
          const lines = rest.split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines) onLine(line.replace(/\r$/, ''));
        }
        callback();
      },
      final(callback) {
        flush();
        callback();
      },
    });
    // client-node pipes the response into `sink` but never listens for errors of the response stream:
    // without this, a connection broken mid-stream would leave `done` pending forever.
    sink.on('pipe', (source) => {
      source.on('error', (error) => {
        if (stopped) return settle.resolve();
        settle.reject(new ClusterUnavailableError(`log stream of ${name} broke: ${(error as Error).message}`, undefined, { cause: error }));
      });
    });
    sink.on('finish', () => settle.resolve());
    sink.on('error', (error) => settle.reject(error));

    const controller = await this.call(`logs of ${name}`, () =>
      new Log(this.kc).log(namespace, name, container, sink, {
        follow: options.follow ?? false,
        ...(options.tailLines !== undefined ? { tailLines: options.tailLines } : {}),
        ...(options.previous ? { previous: true } : {}),
      }),
    );
    return {
      stop() {
        if (stopped) return;
        stopped = true;
        controller.abort();
        settle.resolve();
      },
      done,
    };
  }

  /** Events about an object (matched on kind, name and uid), newest first. */
  async eventsFor(obj: { kind?: string; metadata?: ObjectMeta | { name?: string; namespace?: string; uid?: string } }): Promise<ClusterEventSummary[]> {
    const name = obj.metadata?.name;
    if (!obj.kind || !name) throw new Error('eventsFor needs an object with kind and metadata.name');
    const selector = [`involvedObject.kind=${obj.kind}`, `involvedObject.name=${name}`];
    if (obj.metadata?.uid) selector.push(`involvedObject.uid=${obj.metadata.uid}`);
    const { items } = await this.list(Kinds.Event, { fieldSelector: selector.join(',') }, obj.metadata?.namespace ?? this.namespace);
    return items.map(summariseEvent).sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''));
  }

  /**
   * Runs one API call; anything that is not already a cluster error becomes one. A call that is safe to
   * repeat (`idempotent`: reads and server-side apply) is sent again once when it hit a stale keep-alive
   * connection (./stale-connection.ts).
   */
  private async call<R>(what: string, fn: () => Promise<R>, idempotent = false): Promise<R> {
    try {
      return await (idempotent ? retryStaleConnection(fn) : fn());
    } catch (error) {
      throw toClusterError(error, what);
    }
  }
}

function toClusterError(error: unknown, what: string): Error {
  if (isClusterError(error)) return error;
  if (error instanceof ApiException) return clusterErrorFromResponse(error.code, error.body, what);
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('Unrecognized API version and kind')) return new ClusterKindUnavailableError(`${what}: ${message}`);
  return new ClusterUnavailableError(`${what}: ${message}`, undefined, { cause: error });
}

function describe(obj: ApplicableObject): string {
  return `${obj.kind} ${obj.metadata?.name ?? '(unnamed)'}`;
}

function assertName(name: string) {
  if (!name) throw new Error('a name is required');
}

function summariseEvent(e: IEvent): ClusterEventSummary {
  const last = e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? null;
  return {
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: e.message ?? '',
    count: e.count ?? e.series?.count ?? 1,
    firstSeen: (e.firstTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? null) as string | null,
    lastSeen: last as string | null,
    source: e.source?.component ?? e.reportingComponent ?? null,
  };
}

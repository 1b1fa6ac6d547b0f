import type { IEvent } from 'kubernetes-models/v1/Event';
import { T } from './resources';
import type { ObjectStore } from './store';
import type { KObject, Stored } from './store/types';
import { rfc3339 } from './util/time';

export type EventType = 'Normal' | 'Warning';

/**
 * Records core/v1 Events the way the real controllers do, aggregating repeats (count and
 * lastTimestamp) and deleting the oldest beyond `maxEvents` (the real API server's TTL, by count).
 */
export class EventRecorder {
  private readonly byKey = new Map<string, { namespace: string; name: string }>();
  private readonly order: { namespace: string; name: string; key: string }[] = [];
  private seq = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly maxEvents = 5000,
  ) {}

  record(obj: KObject, type: EventType, reason: string, message: string, component: string, host?: string): void {
    const namespace = obj.metadata.namespace ?? 'default';
    const key = [namespace, obj.metadata.uid, reason, message, component].join('|');
    const now = rfc3339();
    const seen = this.byKey.get(key);
    if (seen && this.store.get(T.events, seen.namespace, seen.name)) {
      this.store.mutate<Stored<IEvent>>(T.events, seen.namespace, seen.name, (e) => {
        e.count = (e.count ?? 1) + 1;
        e.lastTimestamp = now;
      });
      return;
    }
    if (!this.store.get(T.namespaces, undefined, namespace)) return;
    const name = `${obj.metadata.name}.${(BigInt(Date.now()) * 1_000_000n + BigInt(this.seq++ % 1_000_000)).toString(16).padStart(16, '0')}`;
    const event: Omit<IEvent, 'apiVersion' | 'kind'> & { metadata: { name: string; namespace: string } } = {
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace,
        uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      source: { component, ...(host ? { host } : {}) },
      reportingComponent: component,
      reportingInstance: host ?? '',
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    this.store.create(T.events, event );
    this.byKey.set(key, { namespace, name });
    this.order.push({ namespace, name, key });
    while (this.order.length > this.maxEvents) {
      const old = this.order.shift()!;
      this.byKey.delete(old.key);
      if (this.store.get(T.events, old.namespace, old.name)) this.store.delete(T.events, old.namespace, old.name);
    }
  }
}

import { randomUUID } from 'node:crypto';
import { logger } from '@/server/logger';
import { resourceType, apiVersionOf, type PropagationPolicy, type TypeKey, RESOURCE_TYPES, typeKey } from './resources';
import { matchesFields, parseFieldSelector, type FieldRequirement } from './selectors/field-selector';
import { matchesRequirements, parseLabelSelector, type Requirement } from './selectors/label-selector';
import { StoreError } from './store/errors';
import { EventLog } from './store/event-log';
import type { KObject, NewObject, StoreEvent, StoreListener, WatchEventType } from './store/types';
import { clone, deepEqual } from './util/json';
import { randomSuffix } from './util/random';
import { rfc3339 } from './util/time';

export { StoreError } from './store/errors';
export type { KObject, NewObject, StoreEvent, StoreListener } from './store/types';

const log = logger.child({ component: 'cluster-sim' });

export interface ListOptions {
  /** Omit for all namespaces (and for cluster-scoped types). */
  namespace?: string;
  labelSelector?: string | Requirement[];
  fieldSelector?: string | FieldRequirement[];
}

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface StoreOptions {
  /** Events kept per resource type for watch resume; older resourceVersions get 410 Gone. */
  historySize?: number;
}

export interface StoreSnapshot {
  resourceVersion: number;
  objects: { resource: TypeKey; object: KObject }[];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const NOT_SPEC = new Set(['metadata', 'status']);
const VOLATILE_META = new Set(['resourceVersion', 'managedFields']);

/** Everything but metadata and status: a change here bumps metadata.generation. */
const sameSpec = (a: KObject, b: KObject) => deepEqual(a, b, NOT_SPEC);

/** Equal but for the resource version and managed fields: an update that changes nothing else is a no-op. */
const METADATA = new Set(['metadata']);
const sameButVolatileMeta = (a: KObject, b: KObject) => deepEqual(a, b, METADATA) && deepEqual(a.metadata, b.metadata, VOLATILE_META);

function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function refKey(type: TypeKey, obj: KObject): string {
  return `${type}|${obj.metadata.namespace ?? ''}|${obj.metadata.name}`;
}

/**
 * The simulator's etcd: objects keyed by (type, namespace, name), a global monotonically increasing
 * resourceVersion, per-type event history for watches, owner-reference cascading deletes, and a
 * synchronous subscription API for the in-process controllers. Stored objects are frozen.
 */
export class ObjectStore {
  private rv = 0;
  private readonly objects = new Map<TypeKey, Map<string, KObject>>();
  private readonly history = new Map<TypeKey, EventLog>();
  private readonly creation = new Map<string, number>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly listeners = new Set<{ fn: StoreListener; types?: ReadonlySet<TypeKey> }>();
  private readonly pending: StoreEvent[] = [];
  private emitting = false;
  private readonly historySize: number;

  constructor(options: StoreOptions = {}) {
    this.historySize = options.historySize ?? 1000;
    for (const t of RESOURCE_TYPES) {
      this.objects.set(typeKey(t), new Map());
      this.history.set(typeKey(t), new EventLog(this.historySize, 0));
    }
  }

  /** The latest resourceVersion, as the string the API hands out. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  get<T extends KObject = KObject>(type: TypeKey, namespace: string | undefined, name: string): T | undefined {
    return this.bucket(type).get(objectKey(this.nsFor(type, namespace), name)) as T | undefined;
  }

  list<T extends KObject = KObject>(type: TypeKey, options: ListOptions = {}): T[] {
    const labels = typeof options.labelSelector === 'string' ? parseLabelSelector(options.labelSelector) : options.labelSelector ?? [];
    const fields = typeof options.fieldSelector === 'string' ? parseFieldSelector(options.fieldSelector, type) : options.fieldSelector ?? [];
    const out: T[] = [];
    for (const obj of this.bucket(type).values()) {
      if (options.namespace && obj.metadata.namespace !== options.namespace) continue;
      if (labels.length && !matchesRequirements(obj.metadata.labels, labels)) continue;
      if (fields.length && !matchesFields(obj, fields)) continue;
      out.push(obj as T);
    }
    return out.sort((a, b) => this.creationOrder(a) - this.creationOrder(b));
  }

  /** Creates an object (name from generateName when unnamed); AlreadyExists when the name is taken. */
  create<T extends KObject = KObject>(type: TypeKey, input: NewObject, options: { uid?: string } = {}): T {
    const rt = resourceType(type);
    const obj = clone(input) as KObject;
    obj.apiVersion ??= apiVersionOf(rt);
    obj.kind ??= rt.kind;
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) {
      do meta.name = `${meta.generateName}${randomSuffix()}`;
      while (this.get(type, meta.namespace, meta.name));
    }
    if (!meta.name) throw new Error('metadata.name or metadata.generateName is required');
    if (rt.namespaced && !meta.namespace) throw new Error(`${type} ${meta.name}: metadata.namespace is required`);
    if (!rt.namespaced) delete meta.namespace;
    const key = objectKey(meta.namespace, meta.name);
    if (this.bucket(type).has(key)) {
      throw new StoreError('AlreadyExists', `${type} "${meta.name}" already exists`, { resource: type, name: meta.name });
    }
    meta.uid = options.uid ?? randomUUID();
    meta.creationTimestamp = rfc3339();
    meta.generation = 1;
    meta.resourceVersion = String(++this.rv);
    delete meta.deletionTimestamp;
    deepFreeze(obj);
    this.bucket(type).set(key, obj);
    this.creation.set(meta.uid, this.rv);
    this.indexOwners(type, obj, undefined);
    this.record('ADDED', type, obj, undefined);
    return obj as T;
  }

  /**
   * Replaces an object. A set metadata.resourceVersion (or uid) must match the stored one (Conflict).
   * Identity fields are kept; generation rises when anything but metadata and status changed. An
   * update that changes nothing is a no-op (no new resourceVersion, no event), as in the real API.
   */
  update<T extends KObject = KObject>(type: TypeKey, input: KObject): T {
    return this.replace<T>(type, input, false);
  }

  /** `owned`: the input is a private copy nobody else holds (mutate's draft), so it need not be cloned again. */
  private replace<T extends KObject>(type: TypeKey, input: KObject, owned: boolean): T {
    const namespace = this.nsFor(type, input.metadata.namespace);
    const existing = this.get(type, namespace, input.metadata.name);
    if (!existing) throw this.notFound(type, input.metadata.name);
    const rv = input.metadata.resourceVersion;
    if ((rv && rv !== existing.metadata.resourceVersion) || (input.metadata.uid && input.metadata.uid !== existing.metadata.uid)) {
      throw new StoreError('Conflict', `Operation cannot be fulfilled on ${type} "${input.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`, { resource: type, name: input.metadata.name });
    }
    const obj = owned ? input : clone(input);
    obj.apiVersion = existing.apiVersion;
    obj.kind = existing.kind;
    Object.assign(obj.metadata, {
      name: existing.metadata.name,
      uid: existing.metadata.uid,
      creationTimestamp: existing.metadata.creationTimestamp,
      generation: existing.metadata.generation,
      resourceVersion: existing.metadata.resourceVersion,
    });
    if (existing.metadata.namespace) obj.metadata.namespace = existing.metadata.namespace;
    else delete obj.metadata.namespace;
    if (sameButVolatileMeta(obj, existing)) return existing as T;
    if (!sameSpec(obj, existing)) obj.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    obj.metadata.resourceVersion = String(++this.rv);
    deepFreeze(obj);
    this.bucket(type).set(objectKey(namespace, obj.metadata.name), obj);
    this.indexOwners(type, obj, existing);
    this.record('MODIFIED', type, obj, existing);
    return obj as T;
  }

  /** Read-modify-write for controllers: `change` edits a copy; returns undefined when the object is gone. */
  mutate<T extends KObject = KObject>(type: TypeKey, namespace: string | undefined, name: string, change: (draft: T) => void): T | undefined {
    const existing = this.get<T>(type, namespace, name);
    if (!existing) return undefined;
    const draft = clone(existing) as T;
    change(draft);
    return this.replace<T>(type, draft, true);
  }

  /**
   * Deletes at once (no graceful period) and handles dependents by owner reference: Foreground and
   * Background delete them (Foreground first, Background after the owner), Orphan strips the reference.
   * Deleting a namespace deletes everything in it.
   */
  delete(type: TypeKey, namespace: string | undefined, name: string, options: DeleteOptions = {}): KObject {
    const existing = this.get(type, namespace, name);
    if (!existing) throw this.notFound(type, name);
    const pre = options.preconditions;
    if ((pre?.uid && pre.uid !== existing.metadata.uid) || (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion)) {
      throw new StoreError('Conflict', `Operation cannot be fulfilled on ${type} "${name}": the precondition does not match the stored object`, { resource: type, name });
    }
    const policy = options.propagationPolicy ?? resourceType(type).defaultPropagation;
    if (policy === 'Foreground') this.cascade(existing, policy);
    // The object may have gone while its dependents were deleted (cycles): check again.
    const current = this.get(type, namespace, name);
    if (!current) return existing;
    this.bucket(type).delete(objectKey(this.nsFor(type, namespace), name));
    this.indexOwners(type, undefined, current);
    const deleted = deepFreeze({ ...clone(current), metadata: { ...clone(current.metadata), resourceVersion: String(++this.rv) } });
    this.creation.delete(current.metadata.uid!);
    this.record('DELETED', type, deleted, current);
    if (policy !== 'Foreground') this.cascade(current, policy);
    this.dependents.delete(current.metadata.uid!);
    if (type === 'namespaces') {
      for (const [t, bucket] of this.objects) {
        for (const obj of [...bucket.values()]) {
          if (obj.metadata.namespace === name && this.get(t, name, obj.metadata.name)) this.delete(t, name, obj.metadata.name, { propagationPolicy: 'Background' });
        }
      }
    }
    return deleted;
  }

  /** Subscribes to changes (all types, or the listed ones). Listeners run synchronously, in order. */
  subscribe(listener: StoreListener, types?: readonly TypeKey[]): () => void {
    const entry = { fn: listener, types: types ? new Set(types) : undefined };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  /** Events of a type after `resourceVersion`; undefined when history no longer reaches back (410). */
  eventsSince(type: TypeKey, resourceVersion: number): StoreEvent[] | undefined {
    return this.historyOf(type).since(resourceVersion);
  }

  /** Drops watch history (one type or all): any watch from an older resourceVersion gets 410 Gone. */
  compact(type?: TypeKey): void {
    for (const [t, h] of this.history) if (!type || t === type) h.compact(this.rv);
  }

  /** Creation order (the resourceVersion at creation): FIFO for the scheduler, order of lists. */
  creationOrder(obj: KObject): number {
    return this.creation.get(obj.metadata.uid ?? '') ?? Number(obj.metadata.resourceVersion ?? 0);
  }

  /**
   * Objects of `type` whose controller (the ownerReference with `controller: true`) is `uid`, in creation
   * order: what a controller reconciles, found through the owner index instead of a scan of every object.
   */
  listControlledBy<T extends KObject = KObject>(type: TypeKey, uid: string): T[] {
    const out: T[] = [];
    for (const { type: t, object } of this.dependentsOf(uid)) {
      if (t === type && object.metadata.ownerReferences?.some((r) => r.controller && r.uid === uid)) out.push(object as T);
    }
    return out.sort((a, b) => this.creationOrder(a) - this.creationOrder(b));
  }

  /** Objects that name `uid` in their ownerReferences. */
  dependentsOf(uid: string): { type: TypeKey; object: KObject }[] {
    const out: { type: TypeKey; object: KObject }[] = [];
    for (const ref of this.dependents.get(uid) ?? []) {
      const [type, ns, name] = ref.split('|');
      const object = this.get(type, ns || undefined, name);
      if (object) out.push({ type, object });
    }
    return out;
  }

  snapshot(): StoreSnapshot {
    const objects: StoreSnapshot['objects'] = [];
    for (const [resource, bucket] of this.objects) for (const object of bucket.values()) objects.push({ resource, object });
    objects.sort((a, b) => this.creationOrder(a.object) - this.creationOrder(b.object));
    return { resourceVersion: this.rv, objects };
  }

  /** Loads a snapshot into an empty store (no events); history starts at the loaded resourceVersion. */
  restore(snapshot: StoreSnapshot): void {
    this.rv = snapshot.resourceVersion;
    // Snapshots list objects in creation order; negative sequence numbers keep them before new ones.
    snapshot.objects.forEach(({ resource, object }, index) => {
      if (!this.objects.has(resource)) return;
      const obj = deepFreeze(object);
      this.bucket(resource).set(objectKey(obj.metadata.namespace, obj.metadata.name), obj);
      this.creation.set(obj.metadata.uid!, index - snapshot.objects.length);
      this.indexOwners(resource, obj, undefined);
    });
    for (const t of this.history.keys()) this.history.set(t, new EventLog(this.historySize, this.rv));
  }

  private cascade(owner: KObject, policy: PropagationPolicy): void {
    const uid = owner.metadata.uid!;
    for (const { type, object } of this.dependentsOf(uid)) {
      if (policy === 'Orphan') {
        this.mutate(type, object.metadata.namespace, object.metadata.name, (d) => {
          d.metadata.ownerReferences = d.metadata.ownerReferences?.filter((r) => r.uid !== uid);
          if (d.metadata.ownerReferences?.length === 0) delete d.metadata.ownerReferences;
        });
      } else if (this.get(type, object.metadata.namespace, object.metadata.name)) {
        this.delete(type, object.metadata.namespace, object.metadata.name, { propagationPolicy: policy });
      }
    }
  }

  private indexOwners(type: TypeKey, next: KObject | undefined, prev: KObject | undefined): void {
    const key = refKey(type, (next ?? prev)!);
    for (const ref of prev?.metadata.ownerReferences ?? []) this.dependents.get(ref.uid)?.delete(key);
    for (const ref of next?.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(ref.uid);
      if (!set) this.dependents.set(ref.uid, (set = new Set()));
      set.add(key);
    }
  }

  private record(type: WatchEventType, resource: TypeKey, object: KObject, oldObject: KObject | undefined): void {
    const event: StoreEvent = { type, resource, object, oldObject, resourceVersion: this.rv };
    this.historyOf(resource).append(event);
    this.pending.push(event);
    if (this.emitting) return;
    this.emitting = true;
    try {
      while (this.pending.length) {
        const next = this.pending.shift()!;
        for (const l of [...this.listeners]) {
          if (l.types && !l.types.has(next.resource)) continue;
          try {
            l.fn(next);
          } catch (err) {
            log.error({ err, resource: next.resource }, 'store listener failed');
          }
        }
      }
    } finally {
      this.emitting = false;
    }
  }

  private bucket(type: TypeKey): Map<string, KObject> {
    const bucket = this.objects.get(type);
    if (!bucket) throw new Error(`unknown resource type ${type}`);
    return bucket;
  }

  private historyOf(type: TypeKey): EventLog {
    const h = this.history.get(type);
    if (!h) throw new Error(`unknown resource type ${type}`);
    return h;
  }

  private nsFor(type: TypeKey, namespace: string | undefined): string | undefined {
    return resourceType(type).namespaced ? namespace : undefined;
  }

  private notFound(type: TypeKey, name: string): StoreError {
    return new StoreError('NotFound', `${type} "${name}" not found`, { resource: type, name });
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { T } from './resources';
import { ObjectStore, StoreError, type KObject, type StoreEvent } from './store';
import { JsonFilePersistence } from './store/persistence';

function seeded(history = 1000): ObjectStore {
  const store = new ObjectStore({ historySize: history });
  store.create(T.namespaces, { metadata: { name: 'ns' } });
  return store;
}

const cm = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>) => ({ metadata: { name, namespace: 'ns', labels }, data });

describe('ObjectStore', () => {
  it('assigns uid, creationTimestamp, generation and a rising resourceVersion', () => {
    const store = seeded();
    const a = store.create(T.configmaps, cm('a'));
    const b = store.create(T.configmaps, cm('b'));
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(a.metadata.generation).toBe(1);
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(store.resourceVersion).toBe(b.metadata.resourceVersion);
    expect(a.apiVersion).toBe('v1');
    expect(a.kind).toBe('ConfigMap');
    expect(Object.isFrozen(a.metadata)).toBe(true);
  });

  it('refuses duplicates and stale updates', () => {
    const store = seeded();
    const a = store.create(T.configmaps, cm('a'));
    expect(() => store.create(T.configmaps, cm('a'))).toThrow(expect.objectContaining({ reason: 'AlreadyExists' }));
    const updated = store.update(T.configmaps, { ...structuredClone(a), data: { x: '1' } });
    expect(() => store.update(T.configmaps, { ...structuredClone(a), data: { x: '2' } })).toThrow(StoreError);
    expect(() => store.update(T.configmaps, { ...structuredClone(a), metadata: { ...a.metadata, name: 'nope', resourceVersion: undefined } })).toThrow(expect.objectContaining({ reason: 'NotFound' }));
    expect(store.get(T.configmaps, 'ns', 'a')!.data).toEqual({ x: '1' });
    expect(updated.metadata.uid).toBe(a.metadata.uid);
  });

  it('bumps generation on spec changes only and treats identical writes as no-ops', () => {
    const store = seeded();
    const d = store.create(T.deployments, { metadata: { name: 'd', namespace: 'ns' }, spec: { replicas: 1 } });
    const s1 = store.mutate(T.deployments, 'ns', 'd', (x) => { x.status = { replicas: 1 }; })!;
    expect(s1.metadata.generation).toBe(1);
    const s2 = store.mutate(T.deployments, 'ns', 'd', (x) => { (x.spec as { replicas: number }).replicas = 3; })!;
    expect(s2.metadata.generation).toBe(2);
    const s3 = store.mutate(T.deployments, 'ns', 'd', (x) => { x.metadata.labels = { a: 'b' }; })!;
    expect(s3.metadata.generation).toBe(2);
    const rv = store.resourceVersion;
    const same = store.mutate(T.deployments, 'ns', 'd', () => {});
    expect(same!.metadata.resourceVersion).toBe(rv);
    expect(store.resourceVersion).toBe(rv);
    expect(d.metadata.generation).toBe(1);
  });

  it('lists by namespace, label selector and field selector, in creation order', () => {
    const store = seeded();
    store.create(T.namespaces, { metadata: { name: 'other' } });
    store.create(T.configmaps, cm('c', {}, { app: 'x', tier: 'web' }));
    store.create(T.configmaps, cm('a', {}, { app: 'y' }));
    store.create(T.configmaps, { metadata: { name: 'b', namespace: 'other', labels: { app: 'x' } } });
    expect(store.list(T.configmaps).map((o) => o.metadata.name)).toEqual(['c', 'a', 'b']);
    expect(store.list(T.configmaps, { namespace: 'ns' }).map((o) => o.metadata.name)).toEqual(['c', 'a']);
    expect(store.list(T.configmaps, { labelSelector: 'app=x' }).map((o) => o.metadata.name)).toEqual(['c', 'b']);
    expect(store.list(T.configmaps, { labelSelector: 'app in (x,y),!tier' }).map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(store.list(T.configmaps, { fieldSelector: 'metadata.namespace!=ns' }).map((o) => o.metadata.name)).toEqual(['b']);
  });

  it('cascades deletes by owner reference: Background and Foreground delete, Orphan keeps', () => {
    for (const policy of ['Background', 'Foreground', 'Orphan'] as const) {
      const store = seeded();
      const owner = store.create(T.deployments, { metadata: { name: 'd', namespace: 'ns' }, spec: {} });
      const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: owner.metadata.uid!, controller: true };
      const rs = store.create(T.replicasets, { metadata: { name: 'rs', namespace: 'ns', ownerReferences: [ref] }, spec: {} });
      store.create(T.pods, { metadata: { name: 'p', namespace: 'ns', ownerReferences: [{ ...ref, apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: rs.metadata.uid! }] }, spec: {} });
      const events: StoreEvent[] = [];
      store.subscribe((e) => events.push(e));
      store.delete(T.deployments, 'ns', 'd', { propagationPolicy: policy });
      if (policy === 'Orphan') {
        expect(store.get(T.replicasets, 'ns', 'rs')!.metadata.ownerReferences).toBeUndefined();
        expect(store.get(T.pods, 'ns', 'p')).toBeDefined();
      } else {
        expect(store.get(T.replicasets, 'ns', 'rs')).toBeUndefined();
        expect(store.get(T.pods, 'ns', 'p')).toBeUndefined();
        const order = events.filter((e) => e.type === 'DELETED').map((e) => e.object.metadata.name);
        expect(order).toEqual(policy === 'Foreground' ? ['p', 'rs', 'd'] : ['d', 'rs', 'p']);
      }
    }
  });

  it('deletes everything in a deleted namespace', () => {
    const store = seeded();
    store.create(T.configmaps, cm('a'));
    store.create(T.secrets, { metadata: { name: 's', namespace: 'ns' } });
    store.delete(T.namespaces, undefined, 'ns');
    expect(store.list(T.configmaps)).toEqual([]);
    expect(store.list(T.secrets)).toEqual([]);
  });

  it('checks delete preconditions', () => {
    const store = seeded();
    store.create(T.configmaps, cm('a'));
    expect(() => store.delete(T.configmaps, 'ns', 'a', { preconditions: { uid: 'other' } })).toThrow(expect.objectContaining({ reason: 'Conflict' }));
  });

  it('replays history after a resourceVersion and expires it past the ring buffer or a compaction', () => {
    const store = seeded(5);
    const start = Number(store.resourceVersion);
    for (let i = 0; i < 3; i++) store.create(T.configmaps, cm(`c${i}`));
    expect(store.eventsSince(T.configmaps, start)!.map((e) => e.object.metadata.name)).toEqual(['c0', 'c1', 'c2']);
    for (let i = 3; i < 8; i++) store.create(T.configmaps, cm(`c${i}`));
    expect(store.eventsSince(T.configmaps, start)).toBeUndefined();
    const recent = Number(store.resourceVersion) - 2;
    expect(store.eventsSince(T.configmaps, recent)!.map((e) => e.object.metadata.name)).toEqual(['c6', 'c7']);
    store.compact(T.configmaps);
    expect(store.eventsSince(T.configmaps, recent)).toBeUndefined();
    expect(store.eventsSince(T.configmaps, Number(store.resourceVersion))).toEqual([]);
  });

  it('delivers events to subscribers in resourceVersion order even when a listener writes', () => {
    const store = seeded();
    const seen: number[] = [];
    store.subscribe((e) => {
      if (e.object.metadata.name === 'a' && e.type === 'ADDED') store.create(T.configmaps, cm('b'));
    }, [T.configmaps]);
    store.subscribe((e) => seen.push(e.resourceVersion), [T.configmaps]);
    store.create(T.configmaps, cm('a'));
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBeGreaterThan(seen[0]);
  });

  describe('persistence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nw-sim-store-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('saves a snapshot and restores objects, resourceVersion and creation order', () => {
      const store = seeded();
      store.create(T.configmaps, cm('z'));
      store.create(T.configmaps, cm('a', { k: 'v' }));
      const file = join(dir, 'state.json');
      new JsonFilePersistence(file, () => store.snapshot()).flush();
      const loaded = new JsonFilePersistence<ReturnType<ObjectStore['snapshot']>>(file, () => { throw new Error('unused'); }).load()!;
      const copy = new ObjectStore();
      copy.restore(loaded);
      expect(copy.resourceVersion).toBe(store.resourceVersion);
      expect(copy.list<KObject>(T.configmaps).map((o) => o.metadata.name)).toEqual(['z', 'a']);
      const later = copy.create(T.configmaps, cm('later'));
      expect(Number(later.metadata.resourceVersion)).toBeGreaterThan(Number(store.resourceVersion));
      expect(copy.eventsSince(T.configmaps, 1)).toBeUndefined();
      expect(copy.list(T.configmaps).map((o) => o.metadata.name)).toEqual(['z', 'a', 'later']);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../index';
import { T } from '../resources';
import { fastOptions } from '../testing/fast-options';
import { httpClient, openWatch } from '../testing/http-client';
import { waitFor } from '../testing/wait-for';

let sim: Simulator;
let api: ReturnType<typeof httpClient>;
const CM = '/api/v1/namespaces/neuroweaver/configmaps';
const cm = (name: string, labels?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels } });
const names = (events: { type: string; object: Record<string, unknown> }[]) => events.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type}:${(e.object.metadata as { name: string }).name}`);

beforeAll(async () => {
  sim = await startSimulator(fastOptions({ tls: false, historySize: 50, bookmarkIntervalMs: 50 }));
  api = httpClient(sim);
});
afterAll(() => sim.stop());

describe('watch over HTTP', () => {
  it('starts with ADDED for existing objects, then streams changes', async () => {
    await api.post(CM, cm('w-existing', { w: 'a' }));
    const w = await openWatch(sim, `${CM}?watch=true&labelSelector=w%3Da`);
    await api.post(CM, cm('w-new', { w: 'a' }));
    await api.post(CM, cm('w-other', { w: 'b' }));
    await api.patch(`${CM}/w-new`, { data: { x: '1' } });
    await api.del(`${CM}/w-new`);
    await waitFor('four events', () => names(w.events).length >= 4);
    expect(names(w.events)).toEqual(['ADDED:w-existing', 'ADDED:w-new', 'MODIFIED:w-new', 'DELETED:w-new']);
    w.stop();
  });

  it('resumes from a resourceVersion without losing or repeating events, across a dropped stream', async () => {
    const list = await api.get<{ metadata: { resourceVersion: string } }>(`${CM}?labelSelector=r%3D1`);
    let rv = list.body.metadata.resourceVersion;
    const seen: string[] = [];
    const consume = (events: { type: string; object: Record<string, unknown> }[], from: number) => {
      for (const e of events.slice(from)) {
        if (e.type === 'BOOKMARK' || e.type === 'ERROR') continue;
        seen.push(`${e.type}:${(e.object.metadata as { name: string }).name}`);
        rv = (e.object.metadata as { resourceVersion: string }).resourceVersion;
      }
    };
    let w = await openWatch(sim, `${CM}?watch=1&resourceVersion=${rv}&labelSelector=r%3D1`);
    for (let i = 0; i < 3; i++) await api.post(CM, cm(`r-${i}`, { r: '1' }));
    await waitFor('first three', () => w.events.length >= 3);
    consume(w.events, 0);
    expect(sim.hooks.openWatches()).toBeGreaterThanOrEqual(1);
    expect(sim.hooks.dropWatches({ abrupt: true })).toBeGreaterThanOrEqual(1);
    await w.done;
    for (let i = 3; i < 6; i++) await api.post(CM, cm(`r-${i}`, { r: '1' }));
    w = await openWatch(sim, `${CM}?watch=1&resourceVersion=${rv}&labelSelector=r%3D1`);
    await waitFor('the missed three', () => w.events.filter((e) => e.type === 'ADDED').length >= 3);
    consume(w.events, 0);
    w.stop();
    expect(seen).toEqual([0, 1, 2, 3, 4, 5].map((i) => `ADDED:r-${i}`));
  });

  it('answers a too-old resourceVersion with an ERROR event carrying 410 Expired', async () => {
    const rv = Number(sim.store.resourceVersion);
    await api.post(CM, cm('gone-1'));
    sim.hooks.compact(T.configmaps);
    const w = await openWatch(sim, `${CM}?watch=true&resourceVersion=${rv}`);
    await w.done;
    expect(w.status).toBe(200);
    expect(w.events).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', reason: 'Expired', code: 410 }) }]);
    for (let i = 0; i < 60; i++) await api.post(CM, cm(`ring-${i}`));
    const w2 = await openWatch(sim, `${CM}?watch=true&resourceVersion=${Number(sim.store.resourceVersion) - 55}`);
    await w2.done;
    expect(w2.events[0]).toMatchObject({ type: 'ERROR', object: { code: 410 } });
  });

  it('sends bookmarks, honours timeoutSeconds, and shows objects leaving a selector as DELETED', async () => {
    await api.post(CM, cm('sel', { phase: 'a' }));
    const w = await openWatch(sim, `${CM}?watch=true&allowWatchBookmarks=true&labelSelector=phase%3Da&timeoutSeconds=1`);
    await api.patch(`${CM}/sel`, { metadata: { labels: { phase: 'b' } } });
    await api.patch(`${CM}/sel`, { metadata: { labels: { phase: 'a' } } });
    await w.done;
    expect(names(w.events)).toEqual(['ADDED:sel', 'DELETED:sel', 'ADDED:sel']);
    const bookmark = w.events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: expect.any(String) } });
  });

  it('supports sendInitialEvents with the initial-events-end bookmark', async () => {
    const w = await openWatch(sim, `${CM}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&fieldSelector=metadata.name%3Dsel`);
    await waitFor('end bookmark', () => w.events.some((e) => e.type === 'BOOKMARK'));
    expect(w.events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'sel' } } });
    expect(w.events[1]).toMatchObject({ type: 'BOOKMARK', object: { metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } } });
    w.stop();
  });

  it('can refuse expired watches with HTTP 410 when configured', async () => {
    const other = await startSimulator(fastOptions({ tls: false, expiredWatch: 'status' }));
    try {
      const rv = Number(other.store.resourceVersion);
      other.hooks.compact();
      const res = await httpClient(other).get(`/api/v1/namespaces?watch=true&resourceVersion=${rv - 1}`);
      expect(res.status).toBe(410);
      expect(res.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    } finally {
      await other.stop();
    }
  });
});

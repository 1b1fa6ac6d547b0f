import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../index';
import { fastOptions } from '../testing/fast-options';
import { httpClient } from '../testing/http-client';

let sim: Simulator;
let api: ReturnType<typeof httpClient>;
const DEP = '/apis/apps/v1/namespaces/neuroweaver/deployments';
const APPLY = 'application/apply-patch+yaml';

beforeAll(async () => {
  sim = await startSimulator(fastOptions({ tls: false }));
  api = httpClient(sim);
});
afterAll(() => sim.stop());

const dep = (name: string, labels: Record<string, string> = {}, replicas = 0) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'img:1', env: [{ name: 'A', value: '1' }] }] } } },
});

describe('patches', () => {
  it('applies merge, strategic merge and JSON patches', async () => {
    await api.post(DEP, dep('p1', { a: '1', b: '2' }));
    const merged = await api.patch<{ metadata: { labels: Record<string, string> } }>(`${DEP}/p1`, { metadata: { labels: { a: null, c: '3' } } });
    expect(merged.body.metadata.labels).toEqual({ b: '2', c: '3' });
    const smp = await api.patch<{ spec: { template: { spec: { containers: { image: string; env: unknown[] }[] } } } }>(`${DEP}/p1`, { spec: { template: { spec: { containers: [{ name: 'c', image: 'img:2' }] } } } }, 'application/strategic-merge-patch+json');
    expect(smp.body.spec.template.spec.containers[0]).toMatchObject({ image: 'img:2', env: [{ name: 'A', value: '1' }] });
    const json = await api.patch<{ spec: { replicas: number } }>(`${DEP}/p1`, [{ op: 'replace', path: '/spec/replicas', value: 0 }, { op: 'add', path: '/metadata/labels/d', value: '4' }], 'application/json-patch+json');
    expect(json.status).toBe(200);
    expect((json.body as unknown as { metadata: { labels: Record<string, string> } }).metadata.labels.d).toBe('4');
    expect((await api.patch(`${DEP}/p1`, [{ op: 'test', path: '/spec/replicas', value: 5 }], 'application/json-patch+json')).status).toBe(422);
    expect((await api.patch(`${DEP}/p1`, {}, 'text/plain')).status).toBe(415);
    expect((await api.patch(`${DEP}/nope`, {})).status).toBe(404);
    const stale = await api.patch(`${DEP}/p1`, { metadata: { resourceVersion: '1' }, spec: { replicas: 0 } });
    expect(stale.status).toBe(409);
  });

  it('server-side apply: creates, merges per field manager, removes dropped fields, reports conflicts', async () => {
    const noManager = await api.patch(`${DEP}/ssa`, dep('ssa'), APPLY);
    expect(noManager.status).toBe(422);
    expect(noManager.body).toMatchObject({ reason: 'Invalid', message: expect.stringContaining('fieldManager: Required value') });

    const created = await api.patch<{ metadata: { managedFields: { manager: string; operation: string }[]; generation: number } }>(`${DEP}/ssa?fieldManager=neuroweaver`, stringify(dep('ssa', { owner: 'nw', temp: 'x' })), APPLY);
    expect(created.status).toBe(201);
    expect(created.body.metadata.managedFields).toEqual([expect.objectContaining({ manager: 'neuroweaver', operation: 'Apply' })]);

    const other = await api.patch(`${DEP}/ssa?fieldManager=ops`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ssa', labels: { ops: 'yes' } } }, APPLY);
    expect(other.status).toBe(200);

    const reapplied = await api.patch<{ metadata: { labels: Record<string, string>; generation: number } }>(`${DEP}/ssa?fieldManager=neuroweaver`, JSON.stringify(dep('ssa', { owner: 'nw' })), APPLY);
    expect(reapplied.body.metadata.labels).toEqual({ owner: 'nw', ops: 'yes' });

    const same = await api.patch<{ metadata: { resourceVersion: string } }>(`${DEP}/ssa?fieldManager=neuroweaver`, JSON.stringify(dep('ssa', { owner: 'nw' })), APPLY);
    expect(same.body.metadata.resourceVersion).toBe((reapplied.body as unknown as { metadata: { resourceVersion: string } }).metadata.resourceVersion);

    const conflict = await api.patch(`${DEP}/ssa?fieldManager=ops`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ssa', labels: { owner: 'ops' } } }, APPLY);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ reason: 'Conflict', message: 'Apply failed with 1 conflict: conflict with "neuroweaver": .metadata.labels.owner' });
    const forced = await api.patch<{ metadata: { labels: Record<string, string> } }>(`${DEP}/ssa?fieldManager=ops&force=true`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ssa', labels: { owner: 'ops' } } }, APPLY);
    expect(forced.status).toBe(200);
    expect(forced.body.metadata.labels.owner).toBe('ops');

    const scaled = await api.patch(`${DEP}/ssa/scale?fieldManager=hpa`, { spec: { replicas: 0 } });
    expect(scaled.status).toBe(200);
    const invalid = await api.patch(`${DEP}/ssa?fieldManager=neuroweaver`, stringify({ ...dep('ssa'), spec: { ...dep('ssa').spec, replicas: 'x' } }), APPLY);
    expect(invalid.status).toBe(422);
  });

  it('server-side apply of custom resources stores them generically', async () => {
    const path = '/apis/monitoring.coreos.com/v1/namespaces/neuroweaver/servicemonitors/llm';
    const body = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'llm' }, spec: { selector: { matchLabels: { app: 'llm' } }, endpoints: [{ port: 'http', path: '/metrics' }] } };
    const res = await api.patch(`${path}?fieldManager=neuroweaver`, stringify(body), APPLY);
    expect(res.status).toBe(201);
    expect((await api.get(path)).body).toMatchObject({ kind: 'ServiceMonitor', spec: { endpoints: [{ path: '/metrics' }] } });
    const rule = await api.patch('/apis/monitoring.coreos.com/v1/namespaces/neuroweaver/prometheusrules/r?fieldManager=neuroweaver', { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r' }, spec: { groups: [{ name: 'g', rules: [{ alert: 'A' }] }] } }, APPLY);
    expect(rule.status).toBe(422);
    expect(JSON.stringify(rule.body)).toContain('spec.groups[0].rules[0].expr');
    expect((await api.get<{ items: unknown[] }>('/apis/monitoring.coreos.com/v1/servicemonitors')).body.items).toHaveLength(1);
  });

  it('deletes with propagation: Jobs orphan their pods by default, Background removes them', async () => {
    const job = (name: string) => ({
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name },
      spec: { template: { metadata: { annotations: { 'sim.neuroweaver.dev/fail': 'ImagePullBackOff' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i:1' }] } } },
    });
    const JOBS = '/apis/batch/v1/namespaces/neuroweaver/jobs';
    for (const name of ['orphaning', 'cascading']) await api.post(JOBS, job(name));
    const podsOf = async (name: string) => (await api.get<{ items: { metadata: { ownerReferences?: unknown[] } }[] }>(`/api/v1/namespaces/neuroweaver/pods?labelSelector=job-name%3D${name}`)).body.items;
    for (const name of ['orphaning', 'cascading']) {
      for (let i = 0; i < 100 && (await podsOf(name)).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    }
    await api.del(`${JOBS}/orphaning`);
    await api.del(`${JOBS}/cascading?propagationPolicy=Background`);
    const orphans = await podsOf('orphaning');
    expect(orphans).toHaveLength(1);
    expect(orphans[0].metadata.ownerReferences).toBeUndefined();
    expect(await podsOf('cascading')).toHaveLength(0);
    await api.del('/api/v1/namespaces/neuroweaver/pods?labelSelector=job-name%3Dorphaning', { propagationPolicy: 'Background' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../index';
import { fastOptions } from '../testing/fast-options';
import { httpClient } from '../testing/http-client';

let sim: Simulator;
let api: ReturnType<typeof httpClient>;
const NS = '/api/v1/namespaces/neuroweaver';

beforeAll(async () => {
  sim = await startSimulator(fastOptions({ tls: false }));
  api = httpClient(sim);
});
afterAll(() => sim.stop());

const deployment = (name: string, more: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
  spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'img:1' }] } }, ...more },
});

describe('simulator API over HTTP (plain fetch)', () => {
  it('requires the bearer token', async () => {
    const res = await httpClient(sim, null).get('/api/v1/namespaces');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    expect((await httpClient(sim, 'wrong').get('/version')).status).toBe(401);
    expect((await fetch(`${sim.url}/healthz`)).status).toBe(200);
  });

  it('serves discovery', async () => {
    expect((await api.get('/version')).body).toMatchObject({ major: '1', minor: '32' });
    expect((await api.get('/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await api.get<{ groups: { name: string; preferredVersion: { version: string } }[] }>('/apis')).body.groups;
    expect(groups.map((g) => g.name)).toEqual(['apps', 'batch', 'autoscaling', 'scheduling.k8s.io', 'monitoring.coreos.com']);
    expect(groups.find((g) => g.name === 'autoscaling')!.preferredVersion.version).toBe('v2');
    const core = (await api.get<{ resources: { name: string; namespaced: boolean; kind: string; shortNames?: string[] }[] }>('/api/v1')).body.resources;
    expect(core.find((r) => r.name === 'pods')).toMatchObject({ namespaced: true, kind: 'Pod', shortNames: ['po'] });
    expect(core.map((r) => r.name)).toEqual(expect.arrayContaining(['pods/log', 'pods/status', 'nodes', 'namespaces', 'events', 'secrets', 'services', 'configmaps', 'persistentvolumeclaims']));
    const apps = (await api.get<{ resources: { name: string }[] }>('/apis/apps/v1')).body.resources.map((r) => r.name);
    expect(apps).toEqual(expect.arrayContaining(['deployments', 'deployments/scale', 'deployments/status', 'replicasets']));
    expect((await api.get('/apis/monitoring.coreos.com/v1')).body).toMatchObject({ groupVersion: 'monitoring.coreos.com/v1' });
    expect((await api.get('/apis/nope/v1')).status).toBe(404);
  });

  it('creates, reads, lists, replaces and deletes with the real status codes', async () => {
    const created = await api.post(`${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', labels: { team: 'a' } }, data: { k: 'v' } });
    expect(created.status).toBe(201);
    const obj = created.body as { metadata: { resourceVersion: string; uid: string; namespace: string } };
    expect(obj.metadata.namespace).toBe('neuroweaver');
    const dup = await api.post(`${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'AlreadyExists', code: 409, message: 'configmaps "cfg" already exists', details: { name: 'cfg', kind: 'configmaps' } });

    expect((await api.get(`${NS}/configmaps/cfg`)).body).toMatchObject({ data: { k: 'v' } });
    const missing = await api.get(`${NS}/configmaps/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ reason: 'NotFound', code: 404, message: 'configmaps "nope" not found' });
    expect((await api.get('/apis/apps/v1/namespaces/neuroweaver/deployments/nope')).body).toMatchObject({ message: 'deployments.apps "nope" not found', details: { group: 'apps', kind: 'deployments' } });

    const list = await api.get<{ kind: string; metadata: { resourceVersion: string }; items: unknown[] }>(`${NS}/configmaps?labelSelector=team%3Da`);
    expect(list.body.kind).toBe('ConfigMapList');
    expect(Number(list.body.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(obj.metadata.resourceVersion));
    expect(list.body.items).toHaveLength(1);
    expect((await api.get<{ items: unknown[] }>('/api/v1/configmaps?labelSelector=team%3Db')).body.items).toHaveLength(0);
    expect((await api.get('/api/v1/configmaps?labelSelector=a%20in%20b')).status).toBe(400);
    expect((await api.get('/api/v1/pods?fieldSelector=spec.nope%3D1')).body).toMatchObject({ code: 400, reason: 'BadRequest' });

    const replaced = await api.put(`${NS}/configmaps/cfg`, { ...(created.body as object), data: { k: 'v2' } });
    expect(replaced.status).toBe(200);
    const stale = await api.put(`${NS}/configmaps/cfg`, { ...(created.body as object), data: { k: 'v3' } });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ reason: 'Conflict', message: 'Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again' });
    const unconditional = await api.put(`${NS}/configmaps/cfg`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { k: 'v4' } });
    expect(unconditional.status).toBe(200);

    const deleted = await api.del(`${NS}/configmaps/cfg`);
    expect(deleted.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'cfg', kind: 'configmaps', uid: obj.metadata.uid } });
    expect((await api.del(`${NS}/configmaps/cfg`)).status).toBe(404);
  });

  it('refuses invalid objects with 422 naming the field', async () => {
    const noImage = deployment('bad');
    (noImage.spec.template.spec.containers[0] as { image?: string }).image = undefined;
    const r1 = await api.post('/apis/apps/v1/namespaces/neuroweaver/deployments', noImage);
    expect(r1.status).toBe(422);
    expect(r1.body).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422, details: { name: 'bad', group: 'apps', kind: 'Deployment', causes: [{ reason: 'FieldValueRequired', field: 'spec.template.spec.containers[0].image' }] } });
    expect((r1.body as { message: string }).message).toBe('Deployment.apps "bad" is invalid: spec.template.spec.containers[0].image: Required value');

    const r2 = await api.post('/apis/apps/v1/namespaces/neuroweaver/deployments', deployment('Upper_Case'));
    expect(r2.status).toBe(422);
    expect((r2.body as { details: { causes: { field: string }[] } }).details.causes[0].field).toBe('metadata.name');

    const r3 = await api.post('/apis/apps/v1/namespaces/neuroweaver/deployments', { ...deployment('typed'), spec: { ...deployment('typed').spec, replicas: 'three' } });
    expect(r3.status).toBe(422);
    expect(JSON.stringify(r3.body)).toContain('spec.replicas');

    const r4 = await api.post('/apis/apps/v1/namespaces/neuroweaver/deployments', deployment('mismatch', { selector: { matchLabels: { app: 'other' } } }));
    expect(r4.status).toBe(422);
    expect(JSON.stringify(r4.body)).toContain('spec.template.metadata.labels');

    const longLabel = await api.post(`${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'l', labels: { v: 'x'.repeat(64) } } });
    expect(longLabel.status).toBe(422);
    expect(JSON.stringify(longLabel.body)).toContain('must be no more than 63 characters');

    const svc = await api.post(`${NS}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: '1-0-0' }, spec: { ports: [{ port: 80 }] } });
    expect(svc.status).toBe(422);
    expect(JSON.stringify(svc.body)).toContain('DNS-1035');

    const job = await api.post('/apis/batch/v1/namespaces/neuroweaver/jobs', {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { 'nvidia.com/gpu': '1.5' } } }] } } },
    });
    expect(job.status).toBe(422);
    const fields = (job.body as { details: { causes: { field: string }[] } }).details.causes.map((c) => c.field);
    expect(fields).toEqual(expect.arrayContaining(['spec.template.spec.restartPolicy', 'spec.template.spec.containers[0].resources.limits[nvidia.com/gpu]']));

    const wrongKind = await api.post(`${NS}/configmaps`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } });
    expect(wrongKind.status).toBe(400);
    const noNs = await api.post('/api/v1/namespaces/ghost/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect(noNs.body).toMatchObject({ code: 404, message: 'namespaces "ghost" not found' });
    expect((await api.post(`${NS}/configmaps`, '{not json')).status).toBe(400);
  });

  it('defaults Jobs, Services and Secrets like the API server', async () => {
    const job = await api.post<{ metadata: { uid: string }; spec: Record<string, unknown> & { selector: unknown; template: { metadata: { labels: Record<string, string> } } } }>('/apis/batch/v1/namespaces/neuroweaver/jobs', {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'defaults' },
      spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i:1' }] } } },
    });
    expect(job.status).toBe(201);
    expect(job.body.spec).toMatchObject({ backoffLimit: 6, completions: 1, parallelism: 1 });
    expect(job.body.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': job.body.metadata.uid } });
    expect(job.body.spec.template.metadata.labels).toMatchObject({ 'job-name': 'defaults', 'controller-uid': job.body.metadata.uid });
    const svc = await api.post<{ spec: { clusterIP: string; ports: { targetPort: number; protocol: string }[] } }>(`${NS}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } });
    expect(svc.body.spec.clusterIP).toMatch(/^10\.96\./);
    expect(svc.body.spec.ports[0]).toMatchObject({ targetPort: 80, protocol: 'TCP' });
    const secret = await api.post<{ data: Record<string, string>; stringData?: unknown; type: string }>(`${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { token: 'abc' } });
    expect(secret.body).toMatchObject({ type: 'Opaque', data: { token: Buffer.from('abc').toString('base64') } });
    expect(secret.body.stringData).toBeUndefined();
  });

  it('keeps status and spec apart and tracks generation', async () => {
    const base = '/apis/apps/v1/namespaces/neuroweaver/deployments';
    const created = await api.post<{ metadata: { generation: number } }>(base, { ...deployment('gen'), status: { replicas: 99 } });
    expect(created.body.metadata.generation).toBe(1);
    expect((created.body as { status?: { replicas?: number } }).status?.replicas).not.toBe(99);
    const spec = await api.patch<{ metadata: { generation: number } }>(`${base}/gen`, { spec: { replicas: 0, minReadySeconds: 1 } });
    expect(spec.body.metadata.generation).toBe(2);
    const status = await api.patch<{ metadata: { generation: number }; status: { observedGeneration: number } }>(`${base}/gen/status`, { status: { observedGeneration: 42 }, spec: { replicas: 7 } });
    expect(status.status).toBe(200);
    expect(status.body.metadata.generation).toBe(2);
    expect(status.body.status.observedGeneration).toBe(42);
    expect((status.body as unknown as { spec: { replicas: number } }).spec.replicas).toBe(0);
    const ignored = await api.patch<{ status: { observedGeneration: number } }>(`${base}/gen`, { status: { observedGeneration: 1 } });
    expect(ignored.body.status.observedGeneration).not.toBe(1);
    const immutable = await api.patch(`${base}/gen`, { spec: { selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } } } } });
    expect(immutable.status).toBe(422);
    expect(JSON.stringify(immutable.body)).toContain('field is immutable');
  });

  it('serves the scale subresource', async () => {
    const base = '/apis/apps/v1/namespaces/neuroweaver/deployments';
    await api.post(base, deployment('scaled'));
    const scale = await api.get(`${base}/scaled/scale`);
    expect(scale.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 0 }, status: { selector: 'app=scaled' } });
    const patched = await api.patch(`${base}/scaled/scale`, { spec: { replicas: 2 } });
    expect(patched.body).toMatchObject({ spec: { replicas: 2 } });
    expect((await api.get<{ spec: { replicas: number } }>(`${base}/scaled`)).body.spec.replicas).toBe(2);
    expect((await api.patch(`${base}/scaled/scale`, { spec: { replicas: -1 } })).status).toBe(422);
    await api.patch(`${base}/scaled/scale`, { spec: { replicas: 0 } });
  });

  it('pages lists with limit and continue', async () => {
    for (let i = 0; i < 5; i++) await api.post(`${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `page-${i}`, labels: { paged: 'yes' } } });
    const first = await api.get<{ metadata: { continue?: string; remainingItemCount?: number }; items: { metadata: { name: string } }[] }>(`${NS}/configmaps?labelSelector=paged%3Dyes&limit=2`);
    expect(first.body.items.map((i) => i.metadata.name)).toEqual(['page-0', 'page-1']);
    expect(first.body.metadata.remainingItemCount).toBe(3);
    const second = await api.get<{ metadata: { continue?: string }; items: { metadata: { name: string } }[] }>(`${NS}/configmaps?labelSelector=paged%3Dyes&limit=3&continue=${first.body.metadata.continue}`);
    expect(second.body.items.map((i) => i.metadata.name)).toEqual(['page-2', 'page-3', 'page-4']);
    expect(second.body.metadata.continue).toBeUndefined();
    const removed = await api.del<{ items: unknown[] }>(`${NS}/configmaps?labelSelector=paged%3Dyes`);
    expect(removed.body.items).toHaveLength(5);
  });

  it('answers kubectl-style Table requests', async () => {
    const res = await api.get<{ kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: { metadata: { name: string } } }[] }>('/api/v1/nodes', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
    expect(res.body.kind).toBe('Table');
    expect(res.body.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version']);
    expect(res.body.rows[0].cells.slice(0, 2)).toEqual(['sim-node-0', 'Ready']);
    expect(res.body.rows[0].object.metadata.name).toBe('sim-node-0');
  });

  it('exposes the fault-injection settings', async () => {
    expect((await api.get('/sim/v1/settings')).body).toMatchObject({ jobFailure: 'none', gpusPerNode: 4 });
    expect((await api.patch('/sim/v1/settings', { jobFailure: 'nope' })).status).toBe(400);
    expect((await api.patch('/sim/v1/settings', { modelErrorRate: 0.5 })).body).toMatchObject({ modelErrorRate: 0.5 });
    expect(sim.settings.get().modelErrorRate).toBe(0.5);
    sim.settings.update({ modelErrorRate: null });
  });
});

import { PassThrough } from 'node:stream';
import { ApiException, AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, Log, PatchStrategy, setHeaderOptions, Watch, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { fastOptions } from './testing/fast-options';
import { waitFor } from './testing/wait-for';

let sim: Simulator;
let kc: KubeConfig;
const namespace = 'neuroweaver';

beforeAll(async () => {
  sim = await startSimulator(fastOptions());
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
});
afterAll(() => sim.stop());

async function codeOf(promise: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiException) return { code: err.code, body: typeof err.body === 'string' ? JSON.parse(err.body) : err.body };
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('@kubernetes/client-node against the simulator (HTTPS, kubeconfig token)', () => {
  it('reads nodes with GPU capacity and the kubeconfig namespace', async () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe(namespace);
    const core = kc.makeApiClient(CoreV1Api);
    const nodes = await core.listNode();
    expect(nodes.items).toHaveLength(4);
    expect(nodes.items[0].status?.allocatable?.['nvidia.com/gpu']).toBe('4');
    expect(nodes.metadata?.resourceVersion).toMatch(/^\d+$/);
  });

  it('gets 404, 409 and 422 as ApiExceptions with Status bodies', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    expect(await codeOf(core.readNamespacedConfigMap({ name: 'missing', namespace }))).toMatchObject({ code: 404, body: { reason: 'NotFound' } });
    const created = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cn-1' }, data: { a: '1' } } });
    expect(await codeOf(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cn-1' } } }))).toMatchObject({ code: 409, body: { reason: 'AlreadyExists' } });
    await core.replaceNamespacedConfigMap({ name: 'cn-1', namespace, body: { ...created, data: { a: '2' } } });
    expect(await codeOf(core.replaceNamespacedConfigMap({ name: 'cn-1', namespace, body: { ...created, data: { a: '3' } } }))).toMatchObject({ code: 409, body: { reason: 'Conflict' } });
    const invalid = await codeOf(apps.createNamespacedDeployment({ namespace, body: { metadata: { name: 'x' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c' }] } } } } }));
    expect(invalid).toMatchObject({ code: 422, body: { reason: 'Invalid', details: { causes: [{ field: 'spec.template.spec.containers[0].image' }] } } });
  });

  it('patches with explicit patch strategies and scales through /scale', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace, body: { metadata: { name: 'cn-dep' }, spec: { replicas: 0, selector: { matchLabels: { app: 'cn' } }, template: { metadata: { labels: { app: 'cn' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } } } } });
    const patched = await apps.patchNamespacedDeployment({ name: 'cn-dep', namespace, body: { metadata: { labels: { x: 'y' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(patched.metadata?.labels).toEqual({ x: 'y' });
    const json = await apps.patchNamespacedDeployment({ name: 'cn-dep', namespace, body: [{ op: 'add', path: '/metadata/labels/z', value: 'w' }] });
    expect(json.metadata?.labels).toEqual({ x: 'y', z: 'w' });
    const scale = await apps.readNamespacedDeploymentScale({ name: 'cn-dep', namespace });
    expect(scale.spec?.replicas).toBe(0);
    await apps.replaceNamespacedDeploymentScale({ name: 'cn-dep', namespace, body: { metadata: { name: 'cn-dep', namespace }, spec: { replicas: 0 } } });
    await apps.deleteNamespacedDeployment({ name: 'cn-dep', namespace, propagationPolicy: 'Foreground' });
    expect(await codeOf(apps.readNamespacedDeployment({ name: 'cn-dep', namespace }))).toMatchObject({ code: 404 });
  });

  it('server-side applies, lists and deletes through KubernetesObjectApi', async () => {
    const client = KubernetesObjectApi.makeApiClient(kc);
    const monitor = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'cn-mon', namespace, labels: { team: 'ml' } }, spec: { selector: { matchLabels: { app: 'llm' } }, endpoints: [{ port: 'http' }] } };
    const applied: KubernetesObject = await client.patch<KubernetesObject>(monitor, undefined, undefined, 'neuroweaver', true, PatchStrategy.ServerSideApply);
    expect(applied.metadata?.resourceVersion).toBeDefined();
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cn-svc', namespace }, spec: { selector: { app: 'llm' }, ports: [{ name: 'http', port: 80 }] } };
    await client.patch(service, undefined, undefined, 'neuroweaver', true, PatchStrategy.ServerSideApply);
    const again = await client.patch({ ...service, metadata: { ...service.metadata, labels: { v: '2' } } }, undefined, undefined, 'neuroweaver', true, PatchStrategy.ServerSideApply);
    expect(again.metadata?.labels).toEqual({ v: '2' });
    const read = await client.read<KubernetesObject & { spec: { clusterIP: string } }>({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'cn-svc', namespace } });
    expect(read.spec.clusterIP).toMatch(/^10\.96\./);
    const list = await client.list('monitoring.coreos.com/v1', 'ServiceMonitor', namespace, undefined, undefined, undefined, undefined, 'team=ml');
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['cn-mon']);
    await client.delete(monitor);
    expect((await client.list('monitoring.coreos.com/v1', 'ServiceMonitor', namespace)).items).toHaveLength(0);
  });

  it('watches with resourceVersion resume across a dropped stream, and sees 410 after compaction', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace, labelSelector: 'watch=cn' });
    let rv = list.metadata!.resourceVersion!;
    const seen: string[] = [];
    const watch = new Watch(kc);
    const start = () => new Promise<{ ended: Promise<unknown> }>((resolve) => {
      let finish: (v: unknown) => void;
      const ended = new Promise((r) => (finish = r));
      void watch.watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: rv, allowWatchBookmarks: true, labelSelector: 'watch=cn' }, (type, obj) => {
        if (type === 'BOOKMARK') return;
        seen.push(`${type}:${obj.metadata.name}`);
        rv = obj.metadata.resourceVersion;
      }, (err) => finish(err)).then(() => resolve({ ended }));
    });
    let w = await start();
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'w1', labels: { watch: 'cn' } } } });
    await waitFor('w1', () => seen.length === 1);
    sim.hooks.dropWatches();
    await w.ended;
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'w2', labels: { watch: 'cn' } } } });
    await core.deleteNamespacedConfigMap({ name: 'w1', namespace });
    w = await start();
    await waitFor('w2 and w1 deleted', () => seen.length === 3);
    expect(seen).toEqual(['ADDED:w1', 'ADDED:w2', 'DELETED:w1']);
    sim.hooks.dropWatches();
    await w.ended;

    const old = rv;
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'w3', labels: { watch: 'cn' } } } });
    sim.hooks.compact();
    const errors: unknown[] = [];
    await new Promise<void>((resolve) => {
      void watch.watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: old }, (type, obj) => {
        if (type === 'ERROR') errors.push(obj);
      }, () => resolve());
    });
    expect(errors).toEqual([expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' })]);
  });

  it('runs a Job and reads its pod logs, plain and followed', async () => {
    const batch = kc.makeApiClient(BatchV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    await batch.createNamespacedJob({ namespace, body: {
      metadata: { name: 'cn-job' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'trainer', image: 'nw/trainer:1', env: [{ name: 'NW_STAGE', value: 'sft' }, { name: 'NW_CONFIG', value: '{"totalSteps":40,"simDurationSeconds":30}' }] }] } } },
    } });
    const pod = await waitFor('running pod', async () => (await core.listNamespacedPod({ namespace, labelSelector: 'job-name=cn-job', fieldSelector: 'status.phase=Running' })).items[0]);
    const stream = new PassThrough();
    let followed = '';
    stream.on('data', (c: Buffer) => (followed += c.toString()));
    await new Log(kc).log(namespace, pod.metadata!.name!, 'trainer', stream, { follow: true });
    await waitFor('job complete', async () => (await batch.readNamespacedJob({ name: 'cn-job', namespace })).status?.succeeded === 1);
    await waitFor('followed log to include the end', () => followed.includes('training finished'));
    const tail = await core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace, tailLines: 1 });
    expect(tail).toBe('[sim-trainer] training finished\n');
    const job = await batch.readNamespacedJob({ name: 'cn-job', namespace });
    expect(job.status?.conditions?.map((c) => c.type)).toEqual(['SuccessCriteriaMet', 'Complete']);
    const events = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=cn-job,involvedObject.kind=Job` });
    expect(events.items.map((e) => e.reason)).toEqual(['SuccessfulCreate', 'Completed']);
  });
});

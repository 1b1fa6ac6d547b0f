import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import { logger } from '@/server/logger';
import { ClusterClient } from './client';
import { loadSimulatorKubeconfig } from './config';
import { ensureTrainingPriorityClasses } from './ensure-priority-classes';
import { ClusterConflictError, ClusterInvalidError, ClusterNotFoundError, ClusterUnavailableError } from './errors';
import { describeJobFailure } from './failures';
import { Kinds } from './kinds';
import { buildJobTokenSecret, buildTrainingJob, trainingLabels, type TrainingJobInput } from './manifests/training-job';
import { buildModelServerManifests, modelServerObjects } from './manifests/model-server';
import { labelSelector } from './manifests/labels';
import { startSimulator, type Simulator, type SimulatorOptions } from './sim';
import type { WatchEvent } from './watch';

/*
 * The cluster layer against the simulator over real HTTP (loopback): the same client-node code path a
 * real cluster gets. The simulator runs 200× faster than real time.
 */

const NS = 'neuroweaver';
const dirs: string[] = [];

async function start(options: SimulatorOptions = {}): Promise<{ sim: Simulator; client: ClusterClient }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'nw-cluster-test-'));
  dirs.push(dir);
  const sim = await startSimulator({ namespace: NS, kubeconfigPath: path.join(dir, 'kubeconfig.yaml'), speed: 200, bookmarkIntervalMs: 50, ...options });
  const client = new ClusterClient(loadSimulatorKubeconfig(sim.kubeconfigPath), NS, { initialBackoffMs: 100, maxBackoffMs: 400 });
  // Training Jobs' pods name these classes; without them the API server refuses the pods.
  await ensureTrainingPriorityClasses(client);
  return { sim, client };
}

async function until(condition: () => boolean | undefined | Promise<boolean | undefined>, what: string, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const secret = (name: string, value: string, labels: Record<string, string>): ISecret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, labels },
  type: 'Opaque',
  data: { value: Buffer.from(value).toString('base64') },
});

const jobInput = (stage: string, over: Partial<TrainingJobInput> = {}): TrainingJobInput => ({
  namespace: NS,
  pipelineId: '3f1c2a9e-8d1b-4c55-9b7e-2f3a4b5c6d7e',
  stage,
  attempt: 1,
  image: 'ghcr.io/neuroweaver/trainer:1.4.0',
  resources: { gpu: 1, cpu: '2', memory: '8Gi' },
  callbackUrl: 'http://127.0.0.1:9/unused',
  stageConfig: { simDurationSeconds: 2 },
  ...over,
});
const storage = { datasets: { claimName: 'datasets' }, artifacts: { claimName: 'artifacts' } };

let sim: Simulator;
let client: ClusterClient;
const level = logger.level;

beforeAll(async () => {
  logger.level = 'error'; // dropped streams below are deliberate
  ({ sim, client } = await start());
});

afterAll(async () => {
  await sim?.stop();
  logger.level = level;
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('apply, get, list, delete', () => {
  it('applies, reads back, lists by label and deletes (404 → false)', async () => {
    const job = buildTrainingJob(jobInput('sft'), storage);
    const applied = await client.apply(job);
    expect(applied.metadata?.uid).toBeTruthy();
    expect(applied.metadata?.namespace).toBe(NS);
    expect(typeof applied.metadata?.creationTimestamp).toBe('string');
    expect(applied.spec?.podFailurePolicy?.rules[0].action).toBe('FailJob');

    const got = await client.get(Kinds.Job, job.metadata!.name!);
    expect(got.metadata?.uid).toBe(applied.metadata?.uid);

    const listed = await client.list(Kinds.Job, { labelSelector: labelSelector(trainingLabels(jobInput('sft'))) });
    expect(listed.items.map((j) => j.metadata?.name)).toEqual([job.metadata!.name]);
    expect(listed.items[0].kind).toBe('Job');
    expect(Number(listed.resourceVersion)).toBeGreaterThan(0);
    expect((await client.list(Kinds.Job, { labelSelector: 'neuroweaver.dev/stage=nothing' })).items).toEqual([]);

    expect(await client.delete(Kinds.Job, job.metadata!.name!)).toBe(true);
    await until(async () => (await client.find(Kinds.Job, job.metadata!.name!)) === null, 'the Job to go');
    expect(await client.delete(Kinds.Job, job.metadata!.name!)).toBe(false);
    await expect(client.get(Kinds.Job, job.metadata!.name!)).rejects.toBeInstanceOf(ClusterNotFoundError);
  });

  it('applying the same manifest twice changes nothing; a changed spec bumps the generation', async () => {
    const { deployment } = buildModelServerManifests({
      namespace: NS, family: 'idem', version: '1.0.0', environment: 'staging', modelPath: '/m', resources: { gpu: 0, cpu: '1', memory: '1Gi' }, replicas: 0,
    });
    const first = await client.apply(deployment);
    const second = await client.apply(deployment);
    // (The deployment controller writes status in between, so only the generation is comparable here.)
    expect(second.metadata?.generation).toBe(first.metadata?.generation);
    const plain = secret('idem', 'x', { test: 'idem' });
    expect((await client.apply(plain)).metadata?.resourceVersion).toBe((await client.apply(plain)).metadata?.resourceVersion);
    const changed = await client.apply({ ...deployment, spec: { ...deployment.spec!, replicas: 1 } });
    expect(changed.metadata?.generation).toBe((first.metadata?.generation ?? 0) + 1);
    await client.delete(Kinds.Deployment, deployment.metadata!.name!);
  });

  it('applies every model-server manifest, CRDs included', async () => {
    const m = buildModelServerManifests({
      namespace: NS, family: 'crd-check', version: '1.0.0+build.7', environment: 'staging', modelPath: '/m', resources: { gpu: 0, cpu: '1', memory: '1Gi' },
      autoscaling: { minReplicas: 1, maxReplicas: 2, targetCpuUtilization: 60 },
    });
    for (const obj of modelServerObjects(m)) await client.apply(obj);
    const rule = await client.get(Kinds.PrometheusRule, m.prometheusRule.metadata.name);
    expect(rule.spec.groups[0].rules.map((r) => r.alert)).toContain('NeuroWeaverHighLatency');
    expect((await client.get(Kinds.ServiceMonitor, m.serviceMonitor.metadata.name)).spec.endpoints[0].port).toBe('http');
    for (const obj of modelServerObjects(m)) expect(await client.delete({ apiVersion: obj.apiVersion, kind: obj.kind }, obj.metadata!.name!)).toBe(true);
  });

  it('maps a stale resourceVersion to ClusterConflictError (409)', async () => {
    const first = await client.apply(secret('conflict', 'a', { test: 'conflict' }));
    await client.apply(secret('conflict', 'b', { test: 'conflict' }));
    const stale = { ...secret('conflict', 'c', { test: 'conflict' }), metadata: { name: 'conflict', labels: { test: 'conflict' }, resourceVersion: first.metadata!.resourceVersion } };
    const error = await client.apply(stale).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterConflictError);
    expect((error as ClusterConflictError).status).toBe(409);
    expect((error as Error).message).toContain('the object has been modified');
  });

  it('maps an invalid object to ClusterInvalidError (422) with the server message', async () => {
    const bad = buildTrainingJob(jobInput('invalid'), storage);
    bad.spec!.template.spec!.containers[0].resources!.requests!.cpu = 'lots';
    const error = await client.apply(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterInvalidError);
    expect((error as ClusterInvalidError).status).toBe(422);
    expect((error as Error).message).toMatch(/invalid/i);
    expect(await client.find(Kinds.Job, bad.metadata!.name!)).toBeNull();
  });
});

describe('training PriorityClasses', () => {
  it('applies them once per connection, idempotently, and a Job of each priority gets its value', async () => {
    await ensureTrainingPriorityClasses(client);
    const classes = (await client.list(Kinds.PriorityClass, { labelSelector: 'app.kubernetes.io/managed-by=neuroweaver' })).items;
    expect(classes.map((c) => `${c.metadata?.name}=${c.value}`).sort()).toEqual(['neuroweaver-training-high=3000', 'neuroweaver-training-low=1000', 'neuroweaver-training-normal=2000']);
    expect(classes.every((c) => c.preemptionPolicy === 'Never' && c.metadata?.generation === 1)).toBe(true);
    // A fresh connection applies again: nothing changes.
    await ensureTrainingPriorityClasses(new ClusterClient(loadSimulatorKubeconfig(sim.kubeconfigPath), NS));
    expect((await client.get(Kinds.PriorityClass, 'neuroweaver-training-high')).metadata?.generation).toBe(1);
  });
});

describe('watch', () => {
  it('resumes after dropped streams (clean and abrupt) without missing or repeating an event', async () => {
    const labels = { test: 'watch-resume' };
    const events: WatchEvent<ISecret>[] = [];
    const w = client.watch(Kinds.Secret, { labelSelector: labelSelector(labels) }, (e) => void events.push(e));
    await w.ready;
    expect(events).toEqual([{ type: 'SYNC', objects: [], resourceVersion: expect.any(String) }]);

    const expected: string[] = [];
    let drops = 0;
    for (let i = 0; i < 60; i++) {
      if (i % 8 === 4) {
        await until(() => sim.hooks.openWatches() > 0, 'the watch to reconnect');
        drops += sim.hooks.dropWatches({ abrupt: drops % 2 === 0 });
      }
      if (i < 30) {
        const o = await client.apply(secret(`s${i}`, 'v1', labels));
        expected.push(`ADDED:s${i}@${o.metadata!.resourceVersion}`);
      } else if (i < 50) {
        const o = await client.apply(secret(`s${i - 30}`, 'v2', labels));
        expected.push(`MODIFIED:s${i - 30}@${o.metadata!.resourceVersion}`);
      } else {
        await client.delete(Kinds.Secret, `s${i - 50}`);
        expected.push(`DELETED:s${i - 50}`);
      }
    }
    const seen = () =>
      events.flatMap((e) => (e.type === 'SYNC' ? [] : [`${e.type}:${e.object.metadata!.name}${e.type === 'DELETED' ? '' : `@${e.object.metadata!.resourceVersion}`}`]));
    await until(() => seen().length >= expected.length, `${expected.length} events`);
    await new Promise((r) => setTimeout(r, 150)); // anything extra would arrive now
    w.stop();
    expect(drops).toBeGreaterThanOrEqual(7);
    expect(seen()).toEqual(expected);
    expect(events.filter((e) => e.type === 'SYNC')).toHaveLength(1);
  });

  it.each(['event', 'status'] as const)('re-lists after 410 Gone (sent as %s) and watches on from the list', async (expiredWatch) => {
    const own = await start({ expiredWatch });
    try {
      const labels = { test: 'gone' };
      const events: WatchEvent<ISecret>[] = [];
      const w = own.client.watch(Kinds.Secret, { labelSelector: labelSelector(labels) }, (e) => void events.push(e));
      await w.ready;
      await own.client.apply(secret('g1', 'x', labels));
      await until(() => events.some((e) => e.type === 'ADDED'), 'g1');

      own.sim.hooks.dropWatches({ abrupt: true });
      await own.client.apply(secret('g2', 'x', labels)); // missed while disconnected …
      own.sim.hooks.compact(); // … and no longer in the history: resuming gets 410
      await until(() => events.filter((e) => e.type === 'SYNC').length === 2, 'the second SYNC');
      const sync = events.filter((e) => e.type === 'SYNC')[1];
      expect(sync.type === 'SYNC' && sync.objects.map((o) => o.metadata!.name).sort()).toEqual(['g1', 'g2']);

      await own.client.apply(secret('g3', 'x', labels));
      await until(() => events.some((e) => e.type === 'ADDED' && e.object.metadata!.name === 'g3'), 'g3 after the re-list');
      expect(events.map((e) => (e.type === 'SYNC' ? 'SYNC' : `${e.type}:${e.object.metadata!.name}`))).toEqual(['SYNC', 'ADDED:g1', 'SYNC', 'ADDED:g3']);
      w.stop();
    } finally {
      await own.sim.stop();
    }
  });
});

describe('jobs, logs, events and failures on the simulator', () => {
  it('runs a training Job to completion, streams its log and lists its events', async () => {
    const input = jobInput('generate');
    const job = buildTrainingJob(input, storage);
    const created = await client.apply(job);
    await client.apply(buildJobTokenSecret({ ...input, token: 'tok' }));
    const pods = async () => (await client.list(Kinds.Pod, { labelSelector: labelSelector(trainingLabels(input)) })).items;
    await until(async () => (await pods()).some((p) => p.status?.phase === 'Running' || p.status?.phase === 'Succeeded'), 'the trainer pod to run');
    const pod = (await pods())[0];

    const lines: string[] = [];
    const stream = await client.streamLogs(pod, { follow: true }, (l) => lines.push(l));
    const complete = async () => (await client.get(Kinds.Job, job.metadata!.name!)).status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True');
    await until(complete, 'the Job to complete', 10_000);
    await Promise.race([stream.done, new Promise((r) => setTimeout(r, 2_000))]);
    stream.stop();
    expect(lines.length).toBeGreaterThan(0);

    const tail: string[] = [];
    await (await client.streamLogs(pod.metadata!.name!, { tailLines: 2 }, (l) => tail.push(l))).done;
    expect(tail.filter(Boolean).length).toBeLessThanOrEqual(2);

    const events = await client.eventsFor(created);
    expect(events.some((e) => e.reason === 'SuccessfulCreate')).toBe(true);
    expect(describeJobFailure(await client.get(Kinds.Job, job.metadata!.name!), await pods())).toBeNull();
  }, 15_000);

  it('explains an OOMKilled training pod in plain words', async () => {
    const input = jobInput('sft-oom');
    const job = buildTrainingJob(input, storage);
    job.metadata!.annotations!['sim.neuroweaver.dev/fail'] = 'OOMKilled';
    job.spec!.backoffLimit = 0;
    await client.apply(job);
    await client.apply(buildJobTokenSecret({ ...input, token: 'tok' }));
    const failed = async () => (await client.get(Kinds.Job, job.metadata!.name!)).status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True');
    await until(failed, 'the Job to fail', 10_000);
    const pods = (await client.list<IPod>(Kinds.Pod, { labelSelector: labelSelector(trainingLabels(input)) })).items;
    const failure = describeJobFailure((await client.get(Kinds.Job, job.metadata!.name!)) as IJob, pods);
    expect(failure?.code).toBe('oom_killed');
    expect(failure?.message).toBe('ran out of GPU/host memory (OOMKilled): lower batch size or sequence length');
  }, 15_000);

  it('stops following a log mid-stream without breaking anything', async () => {
    const input = jobInput('long-run', { stageConfig: { simDurationSeconds: 3_000 } });
    const job = await client.apply(buildTrainingJob(input, storage));
    await client.apply(buildJobTokenSecret({ ...input, token: 'tok' }));
    const running = async () => (await client.list(Kinds.Pod, { labelSelector: labelSelector(trainingLabels(input)) })).items.find((p) => p.status?.phase === 'Running');
    await until(async () => Boolean(await running()), 'the trainer pod to run');
    const lines: string[] = [];
    const stream = await client.streamLogs((await running())!, { follow: true }, (l) => lines.push(l));
    await until(() => lines.length > 0, 'a log line');
    stream.stop();
    await stream.done;
    const count = lines.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(lines.length).toBe(count);
    expect(await client.delete(Kinds.Job, job.metadata!.name!)).toBe(true);
  }, 15_000);

  it('rejects `done` with ClusterUnavailableError when the server goes away mid-stream', async () => {
    const own = await start();
    const input = jobInput('broken-log', { stageConfig: { simDurationSeconds: 3_000 } });
    await own.client.apply(buildTrainingJob(input, storage));
    await own.client.apply(buildJobTokenSecret({ ...input, token: 'tok' }));
    const running = async () => (await own.client.list(Kinds.Pod, { labelSelector: labelSelector(trainingLabels(input)) })).items.find((p) => p.status?.phase === 'Running');
    await until(async () => Boolean(await running()), 'the trainer pod to run');
    const lines: string[] = [];
    const stream = await own.client.streamLogs((await running())!, { follow: true }, (l) => lines.push(l));
    await until(() => lines.length > 0, 'a log line');
    await own.sim.stop();
    await expect(stream.done).rejects.toBeInstanceOf(ClusterUnavailableError);
  }, 15_000);

  it('refuses logs of a pod that does not exist with ClusterNotFoundError', async () => {
    await expect(client.streamLogs('no-such-pod', {}, () => undefined)).rejects.toBeInstanceOf(ClusterNotFoundError);
  });
});

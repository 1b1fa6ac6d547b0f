import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IEvent } from 'kubernetes-models/v1/Event';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../index';
import { T } from '../resources';
import type { Stored } from '../store/types';
import { fastOptions } from '../testing/fast-options';
import { httpClient } from '../testing/http-client';
import { waitFor } from '../testing/wait-for';

let sim: Simulator;
let api: ReturnType<typeof httpClient>;
const ns = 'neuroweaver';
const PC = '/apis/scheduling.k8s.io/v1/priorityclasses';

beforeAll(async () => {
  // One node with 4 GPUs: every 4-GPU Job below waits for the one before it.
  sim = await startSimulator(fastOptions({ gpus: 4, nodes: 1, tls: false }));
  api = httpClient(sim);
  for (const [name, value] of [['train-low', 1_000], ['train-high', 3_000]] as const) {
    sim.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, preemptionPolicy: 'Never' });
  }
});
afterAll(() => sim.stop());

function gpuJob(name: string, priorityClassName?: string, seconds = 60) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: ns },
    spec: {
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: 'Never',
          ...(priorityClassName ? { priorityClassName } : {}),
          containers: [{ name: 'trainer', image: 'nw/trainer:1', env: [{ name: 'NW_STAGE', value: 'sft' }, { name: 'NW_CONFIG', value: JSON.stringify({ simDurationSeconds: seconds, simReports: 2 }) }], resources: { limits: { 'nvidia.com/gpu': '4', cpu: '2', memory: '8Gi' } } }],
        },
      },
    },
  };
}

const podOf = (job: string) => sim.store.list<Stored<IPod>>(T.pods, { namespace: ns }).find((p) => p.metadata.labels?.['job-name'] === job);

describe('GPU scheduling by priority', () => {
  it('gives freed GPUs to the highest-priority pending pod, then the oldest, without preempting the running one', async () => {
    const scheduled: string[] = [];
    const unsubscribe = sim.store.subscribe((e) => {
      const pod = e.object as Stored<IPod>;
      const before = e.oldObject as Stored<IPod> | undefined;
      if (e.type === 'MODIFIED' && pod.spec?.nodeName && !before?.spec?.nodeName) scheduled.push(pod.metadata.labels!['job-name']);
    }, [T.pods]);
    try {
      sim.create(gpuJob('blocker', undefined, 120));
      await waitFor('the blocker to run', () => podOf('blocker')?.status?.phase === 'Running');
      // Submitted in this order, all while the GPUs are taken: two low, one without a class, then a high one.
      for (const [name, cls] of [['low-1', 'train-low'], ['low-2', 'train-low'], ['none', undefined], ['high', 'train-high']] as const) sim.create(gpuJob(name, cls));
      await waitFor('four pods waiting for GPUs', () => ['low-1', 'low-2', 'none', 'high'].every((n) => podOf(n)?.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')));
      expect(podOf('high')!.spec).toMatchObject({ priorityClassName: 'train-high', priority: 3_000, preemptionPolicy: 'Never' });
      expect(podOf('low-1')!.spec).toMatchObject({ priority: 1_000 });
      expect(podOf('none')!.spec).toMatchObject({ priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
      // No preemption: the running pod of priority 0 keeps its GPUs.
      expect(podOf('blocker')!.status?.phase).toBe('Running');

      const names = ['blocker', 'high', 'low-1', 'low-2', 'none'];
      await waitFor('every Job to complete', () => names.every((n) => sim.store.get<Stored<IJob>>(T.jobs, ns, n)?.status?.succeeded === 1), 25_000, 50);
      expect(scheduled).toEqual(names);
    } finally {
      unsubscribe();
    }
  }, 30_000);

  it('refuses a pod naming a missing PriorityClass (403); a Job retries until the class exists', async () => {
    expect(() => sim.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', namespace: ns }, spec: { priorityClassName: 'nope', containers: [{ name: 'c', image: 'i' }] } })).toThrow(
      'pods "orphan" is forbidden: no PriorityClass with name nope was found',
    );
    const http = await api.post(`/api/v1/namespaces/${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan' }, spec: { priorityClassName: 'nope', containers: [{ name: 'c', image: 'i' }] } });
    expect(http.status).toBe(403);
    expect(http.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });

    sim.create(gpuJob('later', 'arrives-later', 1));
    const failed = await waitFor('a FailedCreate event', () => sim.store.list<Stored<IEvent>>(T.events, { namespace: ns }).find((e) => e.reason === 'FailedCreate' && e.involvedObject.name === 'later'));
    expect(failed.message).toMatch(/is forbidden: no PriorityClass with name arrives-later was found/);
    expect(podOf('later')).toBeUndefined();
    sim.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'arrives-later' }, value: 10 });
    await waitFor('the Job to complete once its class exists', () => sim.store.get<Stored<IJob>>(T.jobs, ns, 'later')?.status?.succeeded === 1, 10_000, 50);
    expect(podOf('later')!.spec?.priority).toBe(10);
  }, 20_000);

  it('validates PriorityClasses as the API server does', async () => {
    const created = await api.get<{ value: number; preemptionPolicy: string }>(`${PC}/arrives-later`);
    expect(created.body).toMatchObject({ value: 10, preemptionPolicy: 'PreemptLowerPriority' });
    const tooHigh = await api.post(PC, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'greedy' }, value: 2_000_000_000 });
    expect(tooHigh.status).toBe(422);
    expect(JSON.stringify(tooHigh.body)).toMatch(/maximum allowed value of a user defined priority is 1000000000/);
    expect((await api.post(PC, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-mine' }, value: 1 })).status).toBe(422);
    expect((await api.post(PC, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'no-value' } })).status).toBe(422);
    const changed = await api.patch(`${PC}/train-low`, { value: 5 });
    expect(changed.status).toBe(422);
    expect(JSON.stringify(changed.body)).toMatch(/value.*immutable/);
    expect((await api.post(PC, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'default-a' }, value: 1, globalDefault: true })).status).toBe(201);
    const second = await api.post(PC, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'default-b' }, value: 2, globalDefault: true });
    expect(second.status).toBe(403);
    expect(JSON.stringify(second.body)).toMatch(/already marked as default/);
    // A pod without a class gets the global default's.
    const pod = sim.create<Stored<IPod>>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'defaulted', namespace: ns }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    expect(pod.spec).toMatchObject({ priorityClassName: 'default-a', priority: 1 });
    const table = await api.get<{ columnDefinitions: { name: string }[] }>(PC, 'application/json;as=Table;v=v1;g=meta.k8s.io');
    expect(table.body.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Value', 'Global-Default', 'Age', 'PreemptionPolicy']);
  });
});

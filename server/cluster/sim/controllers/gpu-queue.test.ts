import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../index';
import { T } from '../resources';
import type { Stored } from '../store/types';
import { fastOptions } from '../testing/fast-options';
import { waitFor } from '../testing/wait-for';

let sim: Simulator;
const ns = 'neuroweaver';

beforeAll(async () => {
  sim = await startSimulator(fastOptions({ gpus: 16, nodes: 4 }));
});
afterAll(() => sim.stop());

describe('GPU scheduling', () => {
  it('runs as many 4-GPU jobs as 16 GPUs allow, queues the rest Unschedulable, and finishes all in order', async () => {
    const scheduledOrder: string[] = [];
    sim.store.subscribe((e) => {
      const pod = e.object as Stored<IPod>;
      const before = e.oldObject as Stored<IPod> | undefined;
      if (e.type === 'MODIFIED' && pod.spec?.nodeName && !before?.spec?.nodeName) scheduledOrder.push(pod.metadata.labels!['job-name']);
    }, [T.pods]);
    const names = Array.from({ length: 8 }, (_, i) => `gpu-${i}`);
    for (const name of names) {
      sim.store.create(T.jobs, {
        metadata: { name, namespace: ns },
        spec: {
          backoffLimit: 0,
          selector: { matchLabels: { 'job-name': name } },
          template: {
            metadata: { labels: { 'job-name': name } },
            spec: { restartPolicy: 'Never', containers: [{ name: 'trainer', image: 'nw/trainer:1', env: [{ name: 'NW_STAGE', value: 'sft' }, { name: 'NW_CONFIG', value: '{"simDurationSeconds":60,"simReports":5}' }], resources: { limits: { 'nvidia.com/gpu': '4', cpu: '8', memory: '64Gi' } } }] },
          },
        },
      });
    }
    const pods = () => sim.store.list<Stored<IPod>>(T.pods, { namespace: ns });
    await waitFor('4 bound and 4 unschedulable', () => {
      const all = pods();
      return all.filter((p) => p.spec?.nodeName).length === 4 && all.filter((p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable')).length === 4;
    });
    const pending = pods().filter((p) => !p.spec?.nodeName);
    for (const p of pending) {
      expect(p.status?.phase).toBe('Pending');
      expect(p.status?.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable', message: '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.' });
    }
    expect(new Set(pods().filter((p) => p.spec?.nodeName).map((p) => p.spec!.nodeName)).size).toBe(4);
    const failedScheduling = sim.store.list(T.events, { namespace: ns }).filter((e) => e.reason === 'FailedScheduling');
    expect(failedScheduling).toHaveLength(4);
    expect(failedScheduling[0]).toMatchObject({ type: 'Warning', message: '0/4 nodes are available: 4 Insufficient nvidia.com/gpu.', source: { component: 'default-scheduler' } });

    await waitFor('all 8 complete', () => names.every((n) => sim.store.get<Stored<IJob>>(T.jobs, ns, n)?.status?.succeeded === 1), 20_000);
    expect(scheduledOrder).toEqual(names);
    const nodes = sim.store.list(T.nodes);
    expect(nodes.map((n) => (n.status as { allocatable: Record<string, string> }).allocatable['nvidia.com/gpu'])).toEqual(['4', '4', '4', '4']);
  }, 30_000);

  it('applies a GPU capacity change from the settings to every node', async () => {
    sim.settings.update({ gpusPerNode: 8 });
    expect(sim.store.list(T.nodes).map((n) => (n.status as { capacity: Record<string, string> }).capacity['nvidia.com/gpu'])).toEqual(['8', '8', '8', '8']);
    sim.settings.update({ gpusPerNode: 4 });
  });

  it('explains node selector mismatches', async () => {
    sim.store.create(T.pods, { metadata: { name: 'picky', namespace: ns }, spec: { nodeSelector: { pool: 'h100' }, containers: [{ name: 'c', image: 'i' }] }, status: { phase: 'Pending' } });
    const pod = await waitFor('unschedulable', () => sim.store.get<Stored<IPod>>(T.pods, ns, 'picky')?.status?.conditions?.find((c) => c.type === 'PodScheduled'));
    expect(pod.message).toBe("0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector.");
    sim.store.delete(T.pods, ns, 'picky');
  });
});

import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from '../client';
import { waitFor } from '../sim/testing/wait-for';
import { describeCluster } from './describe-cluster';
import { getClusterOverview, summarise } from './get-overview';
import { simulatorSettingsPatchSchema } from './schemas';
import { getSimulatorSettings, NotSimulatedError } from './simulator-settings';
import { joinTestSimulator, testJob } from './testing';

let env: Awaited<ReturnType<typeof joinTestSimulator>>;

beforeAll(async () => {
  // Two nodes of 2 GPUs; at speed 50 a 600 s run takes 12 s, long enough to look at it running.
  env = await joinTestSimulator({ gpus: 4, nodes: 2, speed: 50, timings: { readyDelayMs: 1_000 } });
});
afterAll(() => env?.stop());

describe('getClusterOverview against the simulator', () => {
  it('names the simulated cluster', async () => {
    const overview = await getClusterOverview();
    expect(overview.identity).toEqual({ kind: 'simulated', label: 'Simulated cluster', server: env.sim.url, namespace: 'neuroweaver' });
    expect(overview.unreachable).toBeNull();
    expect(overview.nodes).toHaveLength(2);
    expect(overview.nodes[0]).toMatchObject({ name: 'sim-node-0', ready: true, gpuCapacity: 2, gpuAllocatable: 2, gpuProduct: 'NVIDIA-A100-SXM4-80GB', cpu: '32', memory: '256Gi' });
    expect(describeCluster()).toEqual({ kind: 'simulated', label: 'Simulated cluster', server: env.sim.url, namespace: 'neuroweaver' });
  });

  it('counts the GPUs in use, the pods waiting for one, and says why a Job failed', async () => {
    const { client } = env.cluster;
    await client.apply(testJob('ov-two', 2));
    await client.apply(testJob('ov-one', 1));
    await waitFor('both running', async () => (await getClusterOverview()).jobs.filter((j) => j.status === 'Running').length === 2, 15_000);
    // 1 GPU left, on one node: a 2-GPU Job cannot be placed.
    await client.apply(testJob('ov-waits', 2));
    await client.apply(testJob('ov-oom', 0, { seconds: 5, annotations: { 'sim.neuroweaver.dev/fail': 'OOMKilled' } }));

    const overview = await waitFor('the waiting pod and the OOM failure', async () => {
      const o = await getClusterOverview();
      return o.totals.pendingForGpu === 1 && o.jobs.find((j) => j.name === 'ov-oom')?.status === 'Failed' ? o : null;
    }, 15_000);

    expect(overview.totals).toEqual({ gpus: 4, gpusInUse: 3, pendingForGpu: 1 });
    expect(overview.nodes.map((n) => n.gpuInUse).sort()).toEqual([1, 2]);

    const byName = Object.fromEntries(overview.jobs.map((j) => [j.name, j]));
    expect(byName['ov-two']).toMatchObject({ status: 'Running', gpus: 2, stage: 'sft', pipeline: 'p-1', failure: null });
    expect(byName['ov-two'].startTime).toEqual(expect.any(String));
    expect(byName['ov-waits']).toMatchObject({ status: 'Pending', failure: { code: 'waiting_for_gpu', message: 'waiting for GPU: no node has 2 free nvidia.com/gpu' } });
    expect(byName['ov-oom']).toMatchObject({ status: 'Failed', failure: { code: 'oom_killed', message: expect.stringMatching(/ran out of GPU\/host memory \(OOMKilled\)/) } });
    expect(byName['ov-oom'].completionTime).toEqual(expect.any(String));

    const waiting = overview.pods.find((p) => p.name.startsWith('ov-waits-'));
    expect(waiting).toMatchObject({ phase: 'Pending', node: null, reason: 'Unschedulable', gpus: 2 });
    const oomPod = overview.pods.find((p) => p.name.startsWith('ov-oom-'));
    expect(oomPod).toMatchObject({ phase: 'Failed', reason: 'OOMKilled' });

    expect(overview.events.length).toBeGreaterThan(0);
    expect(overview.events.length).toBeLessThanOrEqual(50);
    const stamps = overview.events.map((e) => e.lastTimestamp ?? '');
    expect([...stamps].sort().reverse()).toEqual(stamps);
    expect(overview.events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'FailedScheduling', objectKind: 'Pod' }));
  }, 40_000);

  it('reports an unreachable cluster instead of failing', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const identity = { ...env.cluster.identity, server: 'https://127.0.0.1:1' };
    const overview = await getClusterOverview({ ...env.cluster, identity, client: new ClusterClient(kc, 'neuroweaver') });
    expect(overview.unreachable).toMatch(/^Could not reach the cluster at https:\/\/127\.0\.0\.1:1: /);
    expect(overview.nodes).toEqual([]);
  });
});

describe('simulator settings', () => {
  it('reads the live settings over the API server', async () => {
    expect(await getSimulatorSettings()).toMatchObject({ jobFailure: 'none', gpusPerNode: 2, crashDeployments: [], modelErrorRate: null });
  });

  it('refuses a real cluster', async () => {
    await expect(getSimulatorSettings({ ...env.cluster, identity: { ...env.cluster.identity, kind: 'real' } })).rejects.toBeInstanceOf(NotSimulatedError);
  });

  it('validates a change before it is sent', () => {
    expect(simulatorSettingsPatchSchema.safeParse({}).success).toBe(false);
    expect(simulatorSettingsPatchSchema.safeParse({ speed: 2 }).success).toBe(false);
    expect(simulatorSettingsPatchSchema.safeParse({ gpusPerNode: 65 }).success).toBe(false);
    expect(simulatorSettingsPatchSchema.safeParse({ jobFailure: 'Meltdown' }).success).toBe(false);
    expect(simulatorSettingsPatchSchema.safeParse({ crashDeployments: ['Bad Name'] }).success).toBe(false);
    expect(simulatorSettingsPatchSchema.parse({ jobFailure: 'OOMKilled', crashDeployments: ['*'] })).toEqual({ jobFailure: 'OOMKilled', crashDeployments: ['*'] });
  });
});

describe('summarise (pure)', () => {
  const node = (name: string, gpus: string) => ({ metadata: { name, labels: {} }, status: { capacity: { 'nvidia.com/gpu': gpus }, allocatable: { 'nvidia.com/gpu': gpus }, conditions: [{ type: 'Ready', status: 'True' }] } });
  const pod = (name: string, nodeName: string | undefined, phase: string, gpus: string) => ({
    metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { nodeName, containers: [{ name: 'c', image: 'i', resources: { limits: { 'nvidia.com/gpu': gpus } } }] },
    status: { phase },
  });

  it('counts GPUs of non-terminated pods on each node, from every namespace it was given', () => {
    const own = [pod('a', 'n1', 'Running', '2'), pod('b', 'n1', 'Succeeded', '4'), pod('c', undefined, 'Pending', '1')];
    const elsewhere = pod('other-ns', 'n2', 'Running', '1');
    const result = summarise([node('n2', '8'), node('n1', '8')] as never, own as never, [], [], [...own, elsewhere] as never);
    expect(result.nodes.map((n) => [n.name, n.gpuInUse])).toEqual([['n1', 2], ['n2', 1]]);
    expect(result.totals).toEqual({ gpus: 16, gpusInUse: 3, pendingForGpu: 0 });
  });
});

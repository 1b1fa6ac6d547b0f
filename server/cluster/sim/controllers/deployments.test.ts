import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../index';
import { T } from '../resources';
import type { Stored } from '../store/types';
import { fastOptions } from '../testing/fast-options';
import { waitFor } from '../testing/wait-for';
import { isPodReady, isTerminal } from './pod-status';

let sim: Simulator;
const ns = 'neuroweaver';

beforeAll(async () => {
  sim = await startSimulator(fastOptions({ timings: { hpaSyncMs: 5_000 } }));
});
afterAll(() => sim.stop());

function createDeployment(name: string, replicas: number, opts: { env?: Record<string, string>; annotations?: Record<string, string>; version?: string } = {}): void {
  sim.store.create(T.deployments, {
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: name, 'app.kubernetes.io/version': opts.version ?? '1.0.0' }, annotations: opts.annotations },
        spec: { restartPolicy: 'Always', containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.6.0', args: ['--served-model-name', name], env: Object.entries({ NW_SIM_LATENCY_MS: '2', ...opts.env }).map(([k, v]) => ({ name: k, value: v })) }] },
      },
    },
  });
  sim.store.create(T.services, { metadata: { name, namespace: ns }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8000 }] } });
}

const deployment = (name: string) => sim.store.get<Stored<IDeployment>>(T.deployments, ns, name)!;
const livePods = (name: string) => sim.store.list<Stored<IPod>>(T.pods, { namespace: ns, labelSelector: `app=${name}` }).filter((p) => !isTerminal(p));
const rolledOut = (name: string) => {
  const d = deployment(name);
  const s = d.status;
  return s?.observedGeneration === d.metadata.generation && s?.updatedReplicas === d.spec?.replicas && s?.availableReplicas === d.spec?.replicas && s?.replicas === d.spec?.replicas
    && s?.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable');
};

async function chat(url: string, content: string, stream = false): Promise<Record<string, unknown> | string> {
  const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ model: 'any', messages: [{ role: 'user', content }], stream }) });
  return stream ? res.text() : ((await res.json()) as Record<string, unknown>);
}

describe('Deployments, ReplicaSets and the simulated model server', () => {
  it('rolls out, becomes ready, and answers chat completions through resolveService', async () => {
    createDeployment('llm', 2);
    await waitFor('rolled out', () => rolledOut('llm'));
    const d = deployment('llm');
    expect(d.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    const [rs] = sim.store.list<Stored<IReplicaSet>>(T.replicasets, { namespace: ns, labelSelector: 'app=llm' });
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(rs.metadata.name).toBe(`llm-${rs.metadata.labels!['pod-template-hash']}`);
    const urls = sim.resolveService(ns, 'llm');
    expect(urls).toHaveLength(2);
    expect(urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const pod = livePods('llm')[0];
    expect(pod.status?.podIP).toBe('127.0.0.1');
    expect(pod.metadata.annotations?.['sim.neuroweaver.dev/port']).toMatch(/^\d+$/);

    const a = (await chat(urls[0], 'Explain gradient checkpointing for transformer training')) as { object: string; model: string; choices: { message: { role: string; content: string }; finish_reason: string }[]; usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } };
    expect(a.object).toBe('chat.completion');
    expect(a.choices[0]).toMatchObject({ message: { role: 'assistant' }, finish_reason: 'stop' });
    expect(a.usage.total_tokens).toBe(a.usage.prompt_tokens + a.usage.completion_tokens);
    const b = (await chat(urls[1], 'Explain gradient checkpointing for transformer training')) as typeof a;
    expect(b.choices[0].message.content).toBe(a.choices[0].message.content);
    const sse = (await chat(urls[0], 'Explain gradient checkpointing for transformer training', true)) as string;
    const chunks = sse.split('\n\n').filter((l) => l.startsWith('data: ') && !l.includes('[DONE]')).map((l) => JSON.parse(l.slice(6)) as { object: string; choices: { delta: { content?: string }; finish_reason: string | null }[] });
    expect(chunks[0].object).toBe('chat.completion.chunk');
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe(a.choices[0].message.content);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
    expect(sse.trim().endsWith('data: [DONE]')).toBe(true);
    const metrics = await (await fetch(`${urls[0]}/metrics`)).text();
    expect(metrics).toMatch(/vllm:e2e_request_latency_seconds_count\{model_name="llm"\} [1-9]/);
    expect(metrics).toContain('vllm:generation_tokens_total{model_name="llm"}');
    expect(sim.podLogs.read(ns, pod.metadata.name, 'vllm').map((l) => l.text).join('\n')).toContain('Application startup complete.');
  });

  it('rolls a template change out within maxSurge/maxUnavailable and bumps the revision', async () => {
    createDeployment('roll', 4);
    await waitFor('first rollout', () => rolledOut('roll'));
    let maxLive = 0;
    let minReady = Infinity;
    const off = sim.store.subscribe(() => {
      const live = livePods('roll');
      maxLive = Math.max(maxLive, live.length);
      minReady = Math.min(minReady, live.filter((p) => isPodReady(p)).length);
    }, [T.pods]);
    sim.store.mutate<Stored<IDeployment>>(T.deployments, ns, 'roll', (d) => {
      d.spec!.template.metadata!.annotations = { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() };
    });
    await waitFor('second rollout', () => rolledOut('roll') && deployment('roll').status?.observedGeneration === 2);
    off();
    expect(maxLive).toBeLessThanOrEqual(5);
    expect(minReady).toBeGreaterThanOrEqual(3);
    const sets = sim.store.list<Stored<IReplicaSet>>(T.replicasets, { namespace: ns, labelSelector: 'app=roll' });
    expect(sets.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs.spec?.replicas])).toEqual([['1', 0], ['2', 4]]);
    const scaling = sim.store.list(T.events, { namespace: ns, fieldSelector: 'involvedObject.name=roll,involvedObject.kind=Deployment' });
    expect(scaling.every((e) => e.reason === 'ScalingReplicaSet')).toBe(true);
    expect(scaling.map((e) => e.message)).toContain(`Scaled up replica set ${sets[1].metadata.name} from 0 to 1`);
  });

  it('crash-loops pods annotated to crash: restarts rise, CrashLoopBackOff, not ready, no endpoints', async () => {
    createDeployment('crashy', 1, { annotations: { 'sim.neuroweaver.dev/crash': 'true' } });
    const pod = await waitFor('two restarts', () => livePods('crashy').find((p) => (p.status?.containerStatuses?.[0].restartCount ?? 0) >= 2));
    const cs = pod.status!.containerStatuses![0];
    expect(cs.ready).toBe(false);
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    await waitFor('waiting CrashLoopBackOff', () => livePods('crashy')[0].status?.containerStatuses?.[0].state?.waiting?.reason === 'CrashLoopBackOff');
    expect(livePods('crashy')[0].status?.phase).toBe('Running');
    expect(sim.resolveService(ns, 'crashy')).toEqual([]);
    expect(deployment('crashy').status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'False' });
    expect(sim.store.list(T.events, { namespace: ns, fieldSelector: `involvedObject.name=${pod.metadata.name}` }).some((e) => e.reason === 'BackOff')).toBe(true);
  });

  it('crash-loops a running deployment when the settings name it, and recovers when cleared', async () => {
    createDeployment('toggle', 1);
    await waitFor('ready', () => sim.resolveService(ns, 'toggle').length === 1);
    sim.settings.update({ crashDeployments: ['toggle'] });
    await waitFor('crashing', () => (livePods('toggle')[0].status?.containerStatuses?.[0].restartCount ?? 0) >= 1);
    expect(sim.resolveService(ns, 'toggle')).toEqual([]);
    sim.settings.update({ crashDeployments: [] });
    await waitFor('recovered', () => sim.resolveService(ns, 'toggle').length === 1, 10_000);
  });

  it('scales with an HPA that follows the load', async () => {
    createDeployment('auto', 1, { env: { NW_SIM_LATENCY_MS: '40', NW_SIM_LATENCY_P95_MS: '60' } });
    await waitFor('ready', () => sim.resolveService(ns, 'auto').length === 1);
    sim.store.create(T.hpas, {
      metadata: { name: 'auto', namespace: ns },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'auto' }, minReplicas: 1, maxReplicas: 3,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 20 } },
      },
    });
    let maxUtilisation = 0;
    let maxDesired = 0;
    const off = sim.store.subscribe((e) => {
      const h = e.object as Stored<IHorizontalPodAutoscaler>;
      maxUtilisation = Math.max(maxUtilisation, h.status?.currentMetrics?.[0]?.resource?.current.averageUtilization ?? 0);
      maxDesired = Math.max(maxDesired, h.status?.desiredReplicas ?? 0);
    }, [T.hpas]);
    let loading = true;
    const load = (async () => {
      const workers = Array.from({ length: 8 }, async () => {
        while (loading) {
          const urls = sim.resolveService(ns, 'auto');
          await chat(urls[Math.floor(Math.random() * urls.length)], 'load test prompt about batching').catch(() => undefined);
        }
      });
      await Promise.all(workers);
    })();
    try {
      await waitFor('scaled to 3', () => deployment('auto').spec?.replicas === 3, 10_000);
    } finally {
      loading = false;
      await load;
    }
    expect(maxDesired).toBe(3);
    expect(maxUtilisation).toBeGreaterThan(50);
    expect(sim.store.list(T.events, { namespace: ns, fieldSelector: 'involvedObject.name=auto,involvedObject.kind=HorizontalPodAutoscaler' })[0]).toMatchObject({ reason: 'SuccessfulRescale', message: expect.stringMatching(/^New size: [23]; reason: cpu resource utilization \(percentage of request\) above target$/) });
    await waitFor('scaled back to 1', () => deployment('auto').spec?.replicas === 1, 10_000);
    off();
    expect(sim.store.get<Stored<IHorizontalPodAutoscaler>>(T.hpas, ns, 'auto')!.status?.conditions?.find((c) => c.type === 'ScalingActive')).toMatchObject({ status: 'True' });
  }, 30_000);
});

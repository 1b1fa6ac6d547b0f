import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from './index';
import { T } from './resources';
import type { Stored } from './store/types';
import { fastOptions } from './testing/fast-options';
import { waitFor } from './testing/wait-for';

const KUBECTL = '/usr/bin/kubectl';
const present = existsSync(KUBECTL);
if (!present) console.warn(`kubectl interoperability test skipped: ${KUBECTL} is not installed (Debian package kubernetes-client)`);
const run = promisify(execFile);

describe.skipIf(!present)('kubectl against the simulator', () => {
  let sim: Simulator;
  let home: string;
  const kubectl = async (...args: string[]) => (await run(KUBECTL, ['--kubeconfig', sim.kubeconfigPath, ...args], { env: { ...process.env, HOME: home, KUBECACHEDIR: join(home, 'cache') }, timeout: 20_000 })).stdout;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'nw-kubectl-'));
    sim = await startSimulator(fastOptions());
    const ns = sim.namespace;
    sim.store.create(T.jobs, {
      metadata: { name: 'kubectl-train', namespace: ns },
      spec: {
        backoffLimit: 0, selector: { matchLabels: { 'job-name': 'kubectl-train' } },
        template: { metadata: { labels: { 'job-name': 'kubectl-train' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'trainer', image: 'nw/trainer:1', env: [{ name: 'NW_STAGE', value: 'sft' }] }] } },
      },
    });
    sim.store.create(T.deployments, {
      metadata: { name: 'kubectl-llm', namespace: ns },
      spec: { replicas: 1, selector: { matchLabels: { app: 'kubectl-llm' } }, template: { metadata: { labels: { app: 'kubectl-llm' } }, spec: { containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.6.0', env: [{ name: 'NW_SIM_LATENCY_MS', value: '1' }] }] } } },
    });
    sim.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubectl-llm' }, spec: { selector: { app: 'kubectl-llm' }, ports: [{ port: 80 }] } });
    await waitFor('job complete', () => sim.store.get<Stored<IJob>>(T.jobs, ns, 'kubectl-train')?.status?.succeeded === 1);
    await waitFor('llm ready', () => sim.resolveService(ns, 'kubectl-llm').length === 1);
  });
  afterAll(async () => {
    await sim?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('gets nodes, jobs, pods, deployments and services across namespaces', async () => {
    const out = await kubectl('get', 'nodes,jobs,pods,deployments,services', '-A');
    expect(out).toMatch(/node\/sim-node-0\s+Ready/);
    expect(out).toMatch(/neuroweaver\s+job\.batch\/kubectl-train\s+Complete\s+1\/1/);
    expect(out).toMatch(/neuroweaver\s+pod\/kubectl-train-\w+\s+0\/1\s+Completed/);
    expect(out).toMatch(/neuroweaver\s+pod\/kubectl-llm-\w+-\w+\s+1\/1\s+Running/);
    expect(out).toMatch(/neuroweaver\s+deployment\.apps\/kubectl-llm\s+1\/1\s+1\s+1/);
    expect(out).toMatch(/neuroweaver\s+service\/kubectl-llm\s+ClusterIP\s+10\.96\.\d+\.\d+/);
  });

  it('shows pod logs, and objects as JSON', async () => {
    const pod = sim.store.list(T.pods, { namespace: sim.namespace, labelSelector: 'job-name=kubectl-train' })[0].metadata.name;
    const logs = await kubectl('logs', pod);
    expect(logs).toContain('[sim-trainer] stage=sft');
    expect(logs.trim().split('\n').at(-1)).toBe('[sim-trainer] training finished');
    expect(await kubectl('logs', pod, '--tail=1')).toBe('[sim-trainer] training finished\n');
    const json = JSON.parse(await kubectl('get', 'deployment', 'kubectl-llm', '-o', 'json')) as { status: { readyReplicas: number } };
    expect(json.status.readyReplicas).toBe(1);
  });
});

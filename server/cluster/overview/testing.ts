import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeCluster, getCluster, type Cluster } from '../config';
import { startSimulator, type Simulator, type SimulatorOptions } from '../sim';

/**
 * For tests: a simulator of their own, joined through the production path (`NEUROWEAVER_CLUSTER=sim`
 * and its kubeconfig in NEUROWEAVER_SIM_KUBECONFIG, then `getCluster()`), as the web app joins the one
 * its workers started. `stop()` puts the environment back.
 */
export async function joinTestSimulator(options: SimulatorOptions): Promise<{ sim: Simulator; cluster: Cluster; stop: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'nw-cluster-overview-'));
  const saved = { NEUROWEAVER_CLUSTER: process.env.NEUROWEAVER_CLUSTER, NEUROWEAVER_SIM_KUBECONFIG: process.env.NEUROWEAVER_SIM_KUBECONFIG };
  const sim = await startSimulator({ ...options, kubeconfigPath: path.join(dir, 'kubeconfig.yaml') });
  process.env.NEUROWEAVER_CLUSTER = 'sim';
  process.env.NEUROWEAVER_SIM_KUBECONFIG = sim.kubeconfigPath;
  await closeCluster();
  const cluster = await getCluster();
  return {
    sim,
    cluster,
    stop: async () => {
      await closeCluster();
      await sim.stop();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A training-like Job: `gpus` nvidia.com/gpu, a simulated run of `seconds` cluster seconds. */
export function testJob(name: string, gpus: number, opts: { seconds?: number; annotations?: Record<string, string> } = {}) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      labels: { 'neuroweaver.dev/stage': 'sft', 'neuroweaver.dev/pipeline': 'p-1' },
      annotations: { 'neuroweaver.dev/stage': 'sft', 'neuroweaver.dev/pipeline-id': 'p-1', ...opts.annotations },
    },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { annotations: opts.annotations },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'trainer',
              image: 'neuroweaver/trainer:1',
              env: [
                { name: 'NW_STAGE', value: 'sft' },
                { name: 'NW_CONFIG', value: JSON.stringify({ simDurationSeconds: opts.seconds ?? 600, simReports: 5 }) },
              ],
              resources: { limits: { 'nvidia.com/gpu': String(gpus), cpu: '2', memory: '8Gi' } },
            },
          ],
        },
      },
    },
  };
}

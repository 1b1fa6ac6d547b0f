import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemActor, type RequestMeta } from '@/server/auth/actor';
import { closeCluster, getCluster, Kinds } from '@/server/cluster';
import { deployModel } from '@/server/deployments/deploy';
import { runHealthRound } from '@/server/deployments/health/monitor';
import { createFamily } from '@/server/registry/families';
import { createVersion } from '@/server/registry/versions';
import { percentile } from './lib/stats';

const DEPLOYMENTS = Number(process.env.BENCH_DEPLOYMENTS ?? 100);
const OVERHEAD_RUNS = Number(process.env.BENCH_DEPLOY_OVERHEAD_RUNS ?? 10);
const ROUNDS = Number(process.env.BENCH_HEALTH_ROUNDS ?? 5);
const INTERVAL_MS = 10_000;

const meta: RequestMeta = { actor: systemActor, requestId: 'bench-deployments' };
const small = { gpu: 0, cpu: '1', memory: '2Gi' };

async function startSimProcess(dir: string) {
  const root = path.resolve(__dirname, '..');
  const options = { kubeconfigPath: path.join(dir, 'kubeconfig.yaml'), nodes: 4, gpus: 16, speed: 1, timings: { imagePullMs: 0, containerStartMs: 0, readyDelayMs: 0 } };
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['bench/lib/sim-process.ts', JSON.stringify(options)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise<{ kubeconfigPath: string }>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString().split('\n')[0])));
    child.once('exit', (code) => reject(new Error(`simulator exited ${code}`)));
  });
  return { info, stop: () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM')))) };
}

async function family(i: number, tag: string) {
  const f = await createFamily(meta, { slug: `bench-${tag}-${i}`, displayName: `Bench ${i}`, baseModel: 'microsoft/DialoGPT-medium', specialization: 'bench' });
  await createVersion(meta, f.slug, { version: '1.0.0' });
  return f;
}

/**
 * Deployments on a simulator (own process, zero image pull / container start / readiness delay):
 * 1. deploy request → Ready: the orchestration overhead (service call: registry lookups, GPU check,
 *    transaction, five server-side applies; then the simulator's controllers), seen through a watch;
 * 2. 100 deployments monitored at once: duration of a full health round (cluster lists, /health, a chat
 *    completion and a /metrics scrape per deployment, one insert, one update) and the CPU it costs this
 *    process, as a share of the 10 s interval.
 */
export async function benchDeployments() {
  const dir = mkdtempSync(path.join(tmpdir(), 'nw-bench-deploy-'));
  const sim = await startSimProcess(dir);
  process.env.NEUROWEAVER_CLUSTER = 'sim';
  process.env.NEUROWEAVER_SIM_KUBECONFIG = sim.info.kubeconfigPath;
  delete process.env.KUBECONFIG;
  try {
    const cluster = await getCluster();
    const readyAt = new Map<string, number>();
    const watch = cluster.client.watch(Kinds.Deployment, { labelSelector: 'app.kubernetes.io/component=model-server' }, (e) => {
      if (e.type === 'SYNC' || e.type === 'DELETED') return;
      const name = e.object.metadata?.name ?? '';
      if ((e.object.status?.readyReplicas ?? 0) >= 1 && !readyAt.has(name)) readyAt.set(name, performance.now());
    });
    await watch.ready;
    const waitReady = async (name: string, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!readyAt.has(name)) {
        if (Date.now() > deadline) throw new Error(`${name} not ready within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 2));
      }
      return readyAt.get(name)!;
    };

    // 1. Overhead, one deployment at a time.
    const requestMs: number[] = [];
    const toReadyMs: number[] = [];
    for (let i = 0; i < OVERHEAD_RUNS + 1; i++) {
      const f = await family(i, 'overhead');
      const t0 = performance.now();
      const d = await deployModel(meta, f.slug, { environment: 'staging', version: '1.0.0', replicas: 1, resources: small });
      const answered = performance.now();
      const ready = await waitReady(d.name);
      if (i === 0) continue; // warm-up: first TLS connections, discovery, JIT
      requestMs.push(answered - t0);
      toReadyMs.push(ready - t0);
    }

    // 2. DEPLOYMENTS deployed (10 at a time), then health rounds over all of them (+ the overhead ones).
    const families = [];
    for (let i = 0; i < DEPLOYMENTS; i++) families.push(await family(i, 'monitored'));
    const names: string[] = [];
    for (let i = 0; i < families.length; i += 10) {
      const batch = await Promise.all(families.slice(i, i + 10).map((f) => deployModel(meta, f.slug, { environment: 'staging', version: '1.0.0', replicas: 1, resources: small })));
      names.push(...batch.map((d) => d.name));
    }
    await Promise.all(names.map((n) => waitReady(n, 60_000)));

    await runHealthRound(meta); // warm-up: first scrape of every server, connections
    const roundMs: number[] = [];
    const phases: Array<Record<string, number>> = [];
    const cpuMs: number[] = [];
    let healthy = 0;
    let notHealthy: string[] = [];
    let checked = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const cpu0 = process.cpuUsage();
      const round = (await runHealthRound(meta))!;
      const cpu = process.cpuUsage(cpu0);
      roundMs.push(round.ms);
      phases.push(Object.fromEntries(Object.entries(round.phases).map(([k, v]) => [k, Math.round(v)])));
      cpuMs.push((cpu.user + cpu.system) / 1000);
      checked = round.checked;
      healthy = round.results.filter((x) => x.status === 'healthy').length;
      notHealthy = round.results.filter((x) => x.status !== 'healthy').map((x) => x.reason);
      await new Promise((res) => setTimeout(res, 500));
    }
    watch.stop();

    const round1 = (x: number) => Math.round(x * 10) / 10;
    const result = {
      simulator: 'own process, speed 1, zero image pull / container start / readiness delay',
      deployOverhead: {
        runs: requestMs.length,
        requestMs: { p50: round1(percentile(requestMs, 50)), p95: round1(percentile(requestMs, 95)), max: round1(Math.max(...requestMs)) },
        requestToReadyMs: { p50: round1(percentile(toReadyMs, 50)), p95: round1(percentile(toReadyMs, 95)), max: round1(Math.max(...toReadyMs)) },
      },
      healthMonitor: {
        deployments: checked,
        healthyInLastRound: healthy,
        notHealthyReasons: [...new Set(notHealthy)].slice(0, 5),
        rounds: roundMs.length,
        roundMs: { p50: round1(percentile(roundMs, 50)), max: round1(Math.max(...roundMs)) },
        phasesMs: phases,
        cpuMsPerRound: { p50: round1(percentile(cpuMs, 50)), max: round1(Math.max(...cpuMs)) },
        /** CPU of one round over the 10 s schedule: the share of one core the monitor takes. */
        cpuShareOfOneCoreAt10s: Math.round((percentile(cpuMs, 50) / INTERVAL_MS) * 1000) / 1000,
      },
      aim: { roundOf100Ms: 2000, deployOverheadMs: 500 },
      meetsAim: Math.max(...roundMs) < 2000 && percentile(toReadyMs, 50) < 500,
    };
    return result;
  } finally {
    await closeCluster();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildJobTokenSecret, buildTrainingJob, connectCluster, ensureTrainingPriorityClasses, Kinds, type KubeObject } from '@/server/cluster';
import { startSimulator } from '@/server/cluster/sim';
import { percentile } from './lib/stats';

const SINK_SOURCE = `
let n = 0;
const server = require('node:http').createServer((req, res) => {
  if (req.method === 'GET') return res.end(String(n));
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => { try { const e = JSON.parse(body).events; n += Array.isArray(e) ? e.length : 1; } catch { n++; } res.end('{}'); });
});
server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
`;

const JOBS = Number(process.env.BENCH_CLUSTER_JOBS ?? 200);
const GPUS = Number(process.env.BENCH_CLUSTER_GPUS ?? 16);
/** Simulated trainer run: 20 s of cluster time each, at speed 100 → 0.2 s of wall time. */
const SPEED = Number(process.env.BENCH_CLUSTER_SPEED ?? 100);

/**
 * 200 training Jobs submitted at once to a simulator with 16 GPUs, through the cluster layer over HTTPS.
 * Watch delay = time from the simulator's store committing a Job change to the cluster layer's watch
 * delivering it (same process, same clock), keyed by resourceVersion.
 */
export async function benchCluster() {
  const dir = mkdtempSync(path.join(tmpdir(), 'nw-bench-cluster-'));
  // Stands in for the trainer-events endpoint (issue 4), in its own process as the real one would be:
  // counts the events the simulated trainers post (alone or batched) and reports the count on GET /count.
  const sink = spawn(process.execPath, ['-e', SINK_SOURCE], { stdio: ['ignore', 'pipe', 'inherit'] });
  const sinkUrl = await new Promise<string>((resolve, reject) => {
    sink.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    sink.once('exit', (code) => reject(new Error(`trainer-event sink exited ${code}`)));
  });

  const heapBefore = process.memoryUsage().heapUsed;
  const sim = await startSimulator({ gpus: GPUS, nodes: 4, speed: SPEED, kubeconfigPath: path.join(dir, 'kubeconfig.yaml'), timings: { trainerDurationMs: 20_000 } });
  const committedAt = new Map<number, number>();
  const unsubscribe = sim.store.subscribe((event) => committedAt.set(event.resourceVersion, performance.now()), ['jobs.batch']);
  const cluster = await connectCluster({ kind: 'simulated', namespace: sim.namespace, kubeconfigPath: sim.kubeconfigPath });

  const delays: number[] = [];
  /** Delays of events delivered after the last submission answered: the steady state, without the TLS burst. */
  const steadyDelays: number[] = [];
  let submitted = false;
  const finished = new Set<string>();
  let resolveAll!: () => void;
  const allDone = new Promise<void>((r) => (resolveAll = r));
  const watch = cluster.client.watch(Kinds.Job, { labelSelector: 'neuroweaver.dev/pipeline' }, (event) => {
    if (event.type === 'SYNC') return;
    const rv = Number(event.object.metadata?.resourceVersion);
    const at = committedAt.get(rv);
    if (at !== undefined) {
      const delay = performance.now() - at;
      delays.push(delay);
      if (submitted) steadyDelays.push(delay);
    }
    const status = (event.object as KubeObject & { status?: { succeeded?: number; failed?: number } }).status;
    if (event.type !== 'DELETED' && (status?.succeeded || status?.failed)) {
      finished.add(event.object.metadata!.name!);
      if (finished.size === JOBS) resolveAll();
    }
  });
  await watch.ready;

  const clusterConfig = { datasets: { claimName: 'datasets' }, artifacts: { claimName: 'artifacts' } };
  // The Jobs' pods name the training PriorityClasses (as dispatch does, once before the first Job).
  await ensureTrainingPriorityClasses(cluster.client);
  const t0 = performance.now();
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 100);
  await Promise.all(
    Array.from({ length: JOBS }, async (_, i) => {
      const ref = { pipelineId: `bench-${i}`, stage: 'sft', attempt: 1 };
      await cluster.client.apply(buildJobTokenSecret({ ...ref, namespace: sim.namespace, token: `t-${i}` }) as never);
      await cluster.client.apply(
        buildTrainingJob(
          { ...ref, namespace: sim.namespace, image: 'neuroweaver/trainer:bench', resources: { gpu: 1, cpu: '4', memory: '16Gi' }, callbackUrl: `${sinkUrl}/events`, stageConfig: { totalSteps: 50 } },
          clusterConfig,
        ) as never,
      );
    }),
  );
  const submittedMs = performance.now() - t0;
  submitted = true;
  const timeout = setTimeout(() => resolveAll(), 120_000);
  await allDone;
  clearTimeout(timeout);
  const allFinishedMs = performance.now() - t0;
  clearInterval(sampler);

  const listed = await cluster.client.list(Kinds.Job, { labelSelector: 'neuroweaver.dev/pipeline' });
  const succeeded = listed.items.filter((j) => (j as { status?: { succeeded?: number } }).status?.succeeded).length;
  watch.stop();
  unsubscribe();
  await cluster.close();
  await sim.stop();
  const trainerEvents = Number(await (await fetch(`${sinkUrl}/count`)).text());
  sink.kill();
  rmSync(dir, { recursive: true, force: true });

  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    jobs: JOBS,
    gpus: GPUS,
    simulatedTrainerSeconds: 20,
    speed: SPEED,
    submitMs: Math.round(submittedMs),
    allFinishedMs: Math.round(allFinishedMs),
    finishedSeenByWatch: finished.size,
    succeededByList: succeeded,
    jobsLost: JOBS - succeeded,
    trainerEventsReceived: trainerEvents,
    watchDelayMs: { n: delays.length, p50: round(percentile(delays, 50)), p99: round(percentile(delays, 99)), max: round(Math.max(...delays)) },
    watchDelayAfterSubmissionMs: { n: steadyDelays.length, p50: round(percentile(steadyDelays, 50)), p99: round(percentile(steadyDelays, 99)), max: round(Math.max(...steadyDelays)) },
    /** Heap of this process (simulator + cluster layer + 200 jobs, pods and secrets), not the whole RSS. */
    simulatorHeapMb: { before: Math.round(heapBefore / 2 ** 20), peak: Math.round(peakHeap / 2 ** 20) },
    aim: { watchDelayP99Ms: 50, noJobLost: true },
    meetsAim: percentile(delays, 99) < 50 && succeeded === JOBS,
  };
}

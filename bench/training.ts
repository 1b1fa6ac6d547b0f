import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { inArray, sql } from 'drizzle-orm';
import { db } from '@/db/client';
import { trainingPipelines } from '@/db/schema/training';
import { systemActor } from '@/server/auth/actor';
import { createApiKey } from '@/server/auth/api-keys';
import { startSimulator } from '@/server/cluster/sim';
import { createFamily } from '@/server/registry/families';
import { createVersion } from '@/server/registry/versions';
import { issueJobToken } from '@/server/training/job-token';
import { startApiServer } from './lib/environment';
import { autocannon } from './lib/autocannon';
import { percentile } from './lib/stats';


const PIPELINES = Number(process.env.BENCH_TRAINING_PIPELINES ?? 50);
const RLAIF = process.env.BENCH_TRAINING_RLAIF === '1';
const DURATION_S = Number(process.env.BENCH_TRAINING_DURATION ?? 5);
/** Measured bursts of PIPELINES pipelines, pooled (see below). */
const ROUNDS = Number(process.env.BENCH_TRAINING_ROUNDS ?? 3);
/** Unmeasured rounds of PIPELINES pipelines through the same processes before the measured one (0: measure cold processes). */
const WARM_UP_ROUNDS = Number(process.env.BENCH_TRAINING_WARMUP_ROUNDS ?? 1);
/** BENCH_TRAINING_SIM_TLS=0: the simulator over plain HTTP, to see what TLS handshakes per cluster call cost. */
const SIM_TLS = process.env.BENCH_TRAINING_SIM_TLS !== '0';
/**
 * Cluster seconds per simulated training Job (at speed 100: 0.2 s of wall time). Much shorter runs squeeze each
 * trainer's ~125 events into a few milliseconds, and 50 of them at once flood the simulator's process (which
 * also serves the cluster API the transitions wait on): that measures the flood, not the transitions.
 */
const TRAINER_SECONDS = Number(process.env.BENCH_TRAINING_TRAINER_SECONDS ?? 20);
const root = path.resolve(__dirname, '..');
const meta = { actor: systemActor, requestId: 'bench-training' };

/** Peak resident memory of a process (VmHWM), in bytes. */
function peakRss(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

/**
 * The worker process. BENCH_WORKER_LOG=<file> keeps its log (otherwise discarded); BENCH_WORKER_CPU_PROF=<dir>
 * writes a V8 CPU profile of it there, to see where a transition's time goes.
 */
async function startWorker(): Promise<ChildProcess> {
  // node with tsx's loader: one process (the tsx wrapper would put the worker in a child process).
  const child = spawn(process.execPath, [...(process.env.BENCH_WORKER_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_WORKER_CPU_PROF}`] : []), '--import', 'tsx', 'workers/index.ts'], { cwd: root, env: { ...process.env, NODE_ENV: 'development' }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      if (d.toString().includes('workers ready')) {
        child.stdout!.off('data', onData);
        if (process.env.BENCH_WORKER_LOG) child.stdout!.pipe(createWriteStream(process.env.BENCH_WORKER_LOG));
        else child.stdout!.resume();
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
  });
  return child;
}

/**
 * 50 pipelines started at once on the simulator in fast mode, through the REST API of the dedicated API
 * process, driven by one worker process.
 *  - Stage transition delay: from the simulator committing a Job's Complete condition to it committing the
 *    next stage's Job (GPU stage → GPU stage, no worker stage in between), both seen in this process.
 *  - Trainer-event ingestion at POST /api/v1/trainer/events of the API process (autocannon, one event per
 *    request, and 100 per request).
 *  - Peak resident memory of the worker process tree.
 */
export async function benchTraining() {
  const dir = mkdtempSync(path.join(tmpdir(), 'nw-bench-training-'));
  const sim = await startSimulator({ gpus: 64, nodes: 8, speed: 100, tls: SIM_TLS, kubeconfigPath: path.join(dir, 'kubeconfig.yaml'), timings: { trainerDurationMs: TRAINER_SECONDS * 1000 } });
  Object.assign(process.env, {
    NEUROWEAVER_CLUSTER: 'sim',
    NEUROWEAVER_SIM_KUBECONFIG: sim.kubeconfigPath,
    NEUROWEAVER_DATASETS_DIR: path.join(dir, 'datasets'),
    NEUROWEAVER_DATASET_FILE_ROOTS: dir,
  });
  const api = await startApiServer();
  process.env.NEUROWEAVER_TRAINER_CALLBACK_URL = `${api.url}/api/v1/trainer/events`;
  const worker = await startWorker();

  // Store commit times of Job creations and completions: key `${pipeline}/${stage}`.
  const created = new Map<string, number>();
  const completed = new Map<string, number>();
  // Wall-clock twins, to line up with the database's timestamps (stage finished / next stage started).
  const createdAt = new Map<string, number>();
  const completedAt = new Map<string, number>();
  const unsubscribe = sim.store.subscribe((e) => {
    const a = e.object.metadata?.annotations ?? {};
    const key = `${a['neuroweaver.dev/pipeline-id']}/${a['neuroweaver.dev/stage']}`;
    if (e.type === 'ADDED' && !created.has(key)) {
      created.set(key, performance.now());
      createdAt.set(key, Date.now());
    }
    const done = (e.object as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True');
    if (done && !completed.has(key)) {
      completed.set(key, performance.now());
      completedAt.set(key, Date.now());
    }
  }, ['jobs.batch']);

  const slug = `bench-train-${Date.now().toString(36)}`;
  await createFamily(meta, { slug, displayName: 'Bench', baseModel: 'meta-llama/Llama-3.2-3B-Instruct', specialization: 'automotive_service' });
  await createVersion(meta, slug, { version: '1.0.0' });
  const { key } = await createApiKey(meta, { name: 'bench-training', role: 'ml_engineer' });
  const datasetFile = path.join(dir, 'data.jsonl');
  writeFileSync(datasetFile, Array.from({ length: 200 }, (_, i) => JSON.stringify({ prompt: `Where is the cabin air filter of model ${i}?`, response: `Behind the glove box of model ${i}.` })).join('\n'));
  const config = {
    family: { mode: 'existing', ref: slug },
    baseModel: 'llama-3.2-3b',
    specialization: 'automotive_service',
    dataset: { kind: 'uri', uri: `file://${datasetFile}` },
    rlaif: { enabled: RLAIF, judge: { samplesPerPrompt: 1 } },
    resources: { gpuCount: 1 },
  };

  /** POST /training/start of the API process; its job id. */
  const startPipeline = async (body: unknown = config) => {
    const res = await fetch(`${api.url}/api/v1/training/start`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 202) throw new Error(`start answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { jobId: string }).jobId;
  };
  const startPipelines = (n: number) => Promise.all(Array.from({ length: n }, () => startPipeline()));
  /** Waits until none of `ids` is queued or running (at most 4 minutes); how many ended in each status. */
  const untilFinished = async (ids: string[]): Promise<Record<string, number>> => {
    const deadline = Date.now() + 240_000;
    for (;;) {
      const statuses = await db.select({ status: trainingPipelines.status, n: sql<number>`count(*)::int` }).from(trainingPipelines).where(inArray(trainingPipelines.id, ids)).groupBy(trainingPipelines.status);
      if (!statuses.some((s) => s.status === 'running' || s.status === 'queued') || Date.now() > deadline) return Object.fromEntries(statuses.map((s) => [s.status, s.n]));
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  // Warm-up: the same burst once, unmeasured. The API, worker and simulator processes were started seconds
  // ago; measured cold, 18 % of the machine's CPU during the burst went to V8 compiling the hot paths
  // (perf), which a control plane that has been running for a while no longer pays.
  const warmUp: Record<string, number>[] = [];
  for (let round = 0; round < WARM_UP_ROUNDS; round++) warmUp.push(await untilFinished(await startPipelines(PIPELINES)));

  // Measured: ROUNDS bursts of PIPELINES pipelines started at once, one after the other, pooled — a p99 of
  // one burst's 50 transitions is only its maximum. The simulator (API server, controllers, simulated
  // trainers) runs in this process: how busy its event loop is.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const rounds: { ids: string[]; startedMs: number; allDoneMs: number; outcome: Record<string, number> }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    const roundIds = await startPipelines(PIPELINES);
    const startedMs = performance.now() - t0;
    const outcome = await untilFinished(roundIds);
    rounds.push({ ids: roundIds, startedMs, allDoneMs: performance.now() - t0, outcome });
  }
  loopDelay.disable();
  const ids = rounds.flatMap((r) => r.ids);
  const failures = await db
    .select({ error: trainingPipelines.error, n: sql<number>`count(*)::int` })
    .from(trainingPipelines)
    .where(sql`${trainingPipelines.id} in ${ids} and ${trainingPipelines.status} = 'failed'`)
    .groupBy(trainingPipelines.error);

  const pairs: [string, string][] = RLAIF ? [['sft', 'generate'], ['reward_model', 'ppo'], ['ppo', 'evaluate']] : [['sft', 'evaluate']];
  const transitionsOf = (roundIds: string[]) =>
    roundIds.flatMap((id) =>
      pairs.flatMap(([from, to]) => {
        const a = completed.get(`${id}/${from}`);
        const b = created.get(`${id}/${to}`);
        return a !== undefined && b !== undefined ? [b - a] : [];
      }),
    );
  const transitions = transitionsOf(ids);

  // Where a transition's time goes: watch delivery + handling until the completing transaction, then the
  // next stage's start transaction, then the apply until the Job exists. The watcher's transition claims the
  // next GPU stage in the completing statement, so the middle part is 0 there (one statement's now()).
  const stageTimes = await db.execute<{ pipeline_id: string; stage: string; started_at: Date | null; finished_at: Date | null }>(
    sql`select pipeline_id, stage, started_at, finished_at from training_stages where pipeline_id in ${ids}`,
  );
  const times = new Map(stageTimes.rows.map((r) => [`${r.pipeline_id}/${r.stage}`, r]));
  const parts = { watchToComplete: [] as number[], completeToNextStart: [] as number[], nextStartToJob: [] as number[] };
  const partsOf = new Map<string, number[]>();
  for (const id of ids) {
    for (const [from, to] of pairs) {
      const done = completedAt.get(`${id}/${from}`);
      const fin = times.get(`${id}/${from}`)?.finished_at;
      const st = times.get(`${id}/${to}`)?.started_at;
      const made = createdAt.get(`${id}/${to}`);
      if (done === undefined || !fin || !st || made === undefined) continue;
      parts.watchToComplete.push(new Date(fin).getTime() - done);
      parts.completeToNextStart.push(new Date(st).getTime() - new Date(fin).getTime());
      parts.nextStartToJob.push(made - new Date(st).getTime());
      partsOf.set(`${id}/${to}`, [new Date(fin).getTime() - done, new Date(st).getTime() - new Date(fin).getTime(), made - new Date(st).getTime()]);
    }
  }
  // BENCH_TRAINING_TIMELINE=<file>: every Job's creation and completion (wall clock), to see how the burst is shaped.
  if (process.env.BENCH_TRAINING_TIMELINE) {
    // A created row also carries the three parts of the transition that led to it (watch→complete, complete→next start, next start→Job).
    const measuredIds = new Set(ids);
    const measured = (k: string) => measuredIds.has(k.slice(0, k.indexOf('/')));
    const rows = [...createdAt].filter(([k]) => measured(k)).map(([k, at]) => `${k}\tcreated\t${at}\t${partsOf.get(k)?.join(',') ?? ''}`).concat([...completedAt].filter(([k]) => measured(k)).map(([k, at]) => `${k}\tcompleted\t${at}`));
    writeFileSync(process.env.BENCH_TRAINING_TIMELINE, rows.join('\n'));
  }
  const p50 = (xs: number[]) => Math.round(percentile(xs, 50));
  const breakdown = { watchToCompleteP50: p50(parts.watchToComplete), completeToNextStartP50: p50(parts.completeToNextStart), nextStartToJobP50: p50(parts.nextStartToJob) };

  // Trainer-event ingestion: a stage held running (no GPUs), its token, the API process's endpoint.
  sim.settings.update({ gpusPerNode: 0 });
  const heldId = await startPipeline({ ...config, rlaif: { enabled: false } });
  for (let i = 0; i < 300; i++) {
    const s = (await (await fetch(`${api.url}/api/v1/training/${heldId}/status`, { headers: { authorization: `Bearer ${key}` } })).json()) as { stages: { stage: string; status: string }[] };
    if (s.stages.find((x) => x.stage === 'sft')?.status === 'running') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const token = issueJobToken({ pipelineId: heldId, stage: 'sft', attempt: 1 });
  const url = `${api.url}/api/v1/trainer/events`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const one = JSON.stringify({ type: 'metric', name: 'loss', value: 0.5, step: 1 });
  const hundred = JSON.stringify({ events: Array.from({ length: 100 }, (_, i) => ({ type: 'metric', name: 'loss', value: 0.5, step: i })) });
  await autocannon({ url, method: 'POST', connections: 20, duration: 1, headers, body: one }); // warm-up
  const single = await autocannon({ url, method: 'POST', connections: 20, duration: DURATION_S, headers, body: one });
  const batched = await autocannon({ url, method: 'POST', connections: 10, duration: DURATION_S, headers, body: hundred });
  const wrongToken = await fetch(url, { method: 'POST', headers: { ...headers, authorization: 'Bearer nwt_x.y' }, body: one });

  unsubscribe();
  const workerPeakRss = peakRss(worker.pid!);
  worker.kill('SIGTERM');
  await new Promise((r) => worker.once('exit', r));
  await api.stop();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });

  const round = (x: number) => Math.round(x * 10) / 10;
  const singleRate = Math.round(single.requests.total / DURATION_S);
  return {
    pipelines: PIPELINES,
    warmUp: { rounds: WARM_UP_ROUNDS, outcomes: warmUp },
    rlaif: RLAIF,
    simulator: { gpus: 64, speed: 100, trainerSecondsPerStage: TRAINER_SECONDS, tls: SIM_TLS },
    ...(failures.length ? { failures } : {}),
    // Pooled over the measured rounds; each round's own figures below (a round's p99 is its maximum).
    stageTransitionMs: { rounds: ROUNDS, n: transitions.length, p50: round(percentile(transitions, 50)), p99: round(percentile(transitions, 99)), max: round(Math.max(...transitions)) },
    rounds: rounds.map((r) => {
      const t = transitionsOf(r.ids);
      return { startAllMs: Math.round(r.startedMs), allFinishedMs: Math.round(r.allDoneMs), outcome: r.outcome, transitionMs: { n: t.length, p50: round(percentile(t, 50)), p99: round(percentile(t, 99)) } };
    }),
    trainerEvents: {
      singleEventRequests: { eventsPerSecond: singleRate, p50Ms: single.latency.p50, p99Ms: single.latency.p99, non2xx: single.non2xx, errors: single.errors },
      batchesOf100: { eventsPerSecond: Math.round((batched.requests.total * 100) / DURATION_S), requestsPerSecond: Math.round(batched.requests.total / DURATION_S), non2xx: batched.non2xx },
      wrongTokenStatus: wrongToken.status,
    },
    peakWorkerRssMb: Math.round(workerPeakRss / 2 ** 20),
    transitionBreakdownMs: breakdown,
    simulatorEventLoopDelayMs: { p50: Math.round(loopDelay.percentile(50) / 1e6), p99: Math.round(loopDelay.percentile(99) / 1e6), max: Math.round(loopDelay.max / 1e6) },
    aim: { stageTransitionP99Ms: 250, trainerEventsPerSecond: 5000 },
    meetsAim: percentile(transitions, 99) < 250 && singleRate >= 5000,
  };
}

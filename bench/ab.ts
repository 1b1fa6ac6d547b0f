import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { db } from '@/db/client';
import { abAggregates, abExposureCounts } from '@/db/schema/ab';
import { assign } from '@/server/ab/assign';
import { getResults } from '@/server/ab/get-results';
import { systemActor } from '@/server/auth/actor';
import { createApiKey } from '@/server/auth/api-keys';
import { joinTestSimulator } from '@/server/cluster/overview/testing';
import { fastOptions } from '@/server/cluster/sim/testing/fast-options';
import { benchGateway } from './ab-gateway';
import { benchFamily, startedTest } from './lib/ab-test';
import { autocannon, type AutocannonResult } from './lib/autocannon';
import { startApiServer } from './lib/environment';
import { measure, summarize } from './lib/stats';


const DURATION_S = Number(process.env.BENCH_AB_DURATION ?? 5);
const CONNECTIONS = 10;
const INGEST_BATCHES = Number(process.env.BENCH_AB_BATCHES ?? 200);
const INGEST_CLIENTS = 4;
const BATCH = 1000;
const meta = { actor: systemActor, requestId: 'bench-ab' };

/** The ceiling: a bare node:http server in its own process answering the same-sized constant JSON. */
async function startBareServer(port: number) {
  const code = `require('node:http').createServer((q, s) => { s.writeHead(200, { 'content-type': 'application/json' }); s.end('{"variant":"treatment","version":"1.1.0"}'); }).listen(${port}, '127.0.0.1', () => console.log('ready'));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))) };
}

const rate = (r: AutocannonResult) => ({ requestsPerSecond: Math.round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors });

/** A family of its own and a running sequential test with a binomial, a mean and a ratio metric. */
async function setupTest(name: string) {
  const family = await benchFamily(`bench-ab-${name}`);
  return startedTest(family.slug, name, [
    { name: 'converted', kind: 'binomial', role: 'primary', direction: 'increase' },
    { name: 'latency_ms', kind: 'mean', role: 'guardrail', direction: 'decrease' },
    { name: 'clicks', kind: 'ratio', role: 'guardrail', direction: 'increase', denominator: 'views' },
  ]);
}

/**
 * CONNECTIONS connections, each an autocannon instance with its own request sequence (autocannon gives every
 * connection the same one). Rates add up; the latency percentiles reported are the worst connection's.
 */
async function loadFromConnections(url: string, duration: number, headers: Record<string, string>, requestsOf: (connection: number) => { path: string }[]): Promise<AutocannonResult> {
  const parts = await Promise.all(Array.from({ length: CONNECTIONS }, (_, c) => autocannon({ url, connections: 1, duration, headers, requests: requestsOf(c) })));
  return {
    requests: { average: parts.reduce((s, p) => s + p.requests.average, 0), total: parts.reduce((s, p) => s + p.requests.total, 0) },
    latency: { p50: Math.max(...parts.map((p) => p.latency.p50)), p99: Math.max(...parts.map((p) => p.latency.p99)), average: parts.reduce((s, p) => s + p.latency.average, 0) / parts.length },
    non2xx: parts.reduce((s, p) => s + p.non2xx, 0),
    errors: parts.reduce((s, p) => s + p.errors, 0),
  };
}

async function benchAssignment(apiUrl: string, bareUrl: string, key: string) {
  const test = await setupTest('assign');
  // 20,000 distinct units, pre-built so the load generator's own cost stays low and is the same for both
  // servers: the ceiling answers exactly the requests the API process gets (same paths, same header). Each
  // connection starts at its own offset, so the first pass over the units records their exposures and later
  // passes find them recorded, as returning users do.
  const UNITS = 20_000;
  const paths = Array.from({ length: UNITS }, (_, i) => ({ path: `/api/v1/ab-tests/${test.id}/assign?unit=user-${i}` }));
  const headers = { authorization: `Bearer ${key}` };
  const load = (url: string, duration: number) => loadFromConnections(url, duration, headers, (c) => [...paths.slice((c * UNITS) / CONNECTIONS), ...paths.slice(0, (c * UNITS) / CONNECTIONS)]);
  await load(bareUrl, 1); // warm-up
  await load(apiUrl, 1);
  // The ceiling is measured right before and right after the API process and averaged: this VM's speed drifts
  // from one minute to the next, and a ceiling taken only before would compare two different machines.
  const bareBefore = await load(bareUrl, DURATION_S);
  const api = await load(apiUrl, DURATION_S);
  const bareAfter = await load(bareUrl, DURATION_S);
  const ceiling = (bareBefore.requests.average + bareAfter.requests.average) / 2;
  const exposures = (await db.execute<{ rows: number; counted: number }>(sql`select (select count(*)::int from ab_exposures where test_id = ${test.id}) as rows, (select coalesce(sum(n), 0)::int from ab_exposure_counts where test_id = ${test.id}) as counted`)).rows[0];
  // The service alone, in process, one at a time: what the HTTP stack adds is the rest.
  let j = 0;
  const inProcess = summarize(await measure(2000, 200, async () => void (await assign(test.id, `inproc-${j++ % 1000}`))));
  return {
    bareServer: { requestsPerSecond: Math.round(ceiling), before: rate(bareBefore), after: rate(bareAfter) },
    apiServer: rate(api),
    shareOfBare: Math.round((api.requests.average / ceiling) * 1000) / 1000,
    exposures: { ...exposures, consistent: exposures.rows === exposures.counted },
    serviceInProcess: inProcess,
    aim: { shareOfBare: 0.4, p99Ms: 5 },
    meetsAim: api.requests.average / ceiling >= 0.4 && api.latency.p99 < 5 && api.non2xx === 0,
  };
}

async function benchIngestion(apiUrl: string, key: string) {
  const test = await setupTest('ingest');
  const metrics = ['converted', 'latency_ms', 'clicks', 'views'];
  let seed = 42;
  const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const expected = new Map<string, number>();
  const bodies = Array.from({ length: INGEST_BATCHES }, (_, b) => {
    const events = Array.from({ length: BATCH }, () => {
      const e = { unit: `user-${Math.floor(rand() * 100_000)}`, metric: metrics[Math.floor(rand() * metrics.length)], value: Math.floor(rand() * 5) };
      expected.set(`${e.unit}/${e.metric}`, (expected.get(`${e.unit}/${e.metric}`) ?? 0) + e.value);
      return e;
    });
    return JSON.stringify({ events, idempotencyKey: `bench-${b}` });
  });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  let next = 0;
  let acknowledged = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: INGEST_CLIENTS }, async () => {
      for (let b = next++; b < bodies.length; b = next++) {
        const t0 = performance.now();
        const res = await fetch(`${apiUrl}/api/v1/ab-tests/${test.id}/events`, { method: 'POST', headers, body: bodies[b] });
        const body = (await res.json()) as { accepted: number; duplicate: boolean };
        if (res.status !== 200 || body.duplicate) throw new Error(`ingest batch ${b}: ${res.status} ${JSON.stringify(body)}`);
        latencies.push(performance.now() - t0);
        acknowledged += body.accepted;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;

  // Exact reconciliation: per-unit sums against the events sent, aggregates against a recomputation.
  const stored = await db.execute<{ unit: string; metric: string; sum: number }>(sql`select unit, metric, sum from ab_unit_metrics where test_id = ${test.id}`);
  const unitSumsMatch = stored.rows.length === expected.size && stored.rows.every((r) => expected.get(`${r.unit}/${r.metric}`) === Number(r.sum));
  const { recomputedAggregates, storedAggregates } = await import('@/server/ab/testing/fixtures');
  const aggregatesMatch = JSON.stringify(await storedAggregates(test.id)) === JSON.stringify(await recomputedAggregates(test.id));
  return {
    batches: INGEST_BATCHES,
    batchSize: BATCH,
    parallelClients: INGEST_CLIENTS,
    eventsAcknowledged: acknowledged,
    eventsPerSecond: Math.round(acknowledged / seconds),
    batchLatency: summarize(latencies),
    reconciliation: { unitSumsMatch, aggregatesMatch, exact: acknowledged === INGEST_BATCHES * BATCH && unitSumsMatch && aggregatesMatch },
    aim: { eventsPerSecond: 20_000 },
    meetsAim: acknowledged / seconds >= 20_000 && unitSumsMatch && aggregatesMatch,
  };
}

/** 10 million events' worth of aggregates (1M units per variant), written directly: analysis never reads events. */
async function benchAnalysis() {
  const test = await setupTest('analysis');
  const units = 1_000_000;
  const rows = [
    { variant: 'control', conv: 0.1, lat: 250, ctr: 0.2 },
    { variant: 'treatment', conv: 0.103, lat: 251, ctr: 0.205 },
  ];
  for (const r of rows) {
    await db.insert(abExposureCounts).values({ testId: test.id, variant: r.variant, shard: 0, n: units });
    const converted = Math.round(units * r.conv);
    const views = units * 3;
    await db.insert(abAggregates).values([
      { testId: test.id, variant: r.variant, metric: 'converted', sum: converted, sumSquares: converted },
      { testId: test.id, variant: r.variant, metric: 'latency_ms', sum: units * r.lat, sumSquares: units * (r.lat * r.lat + 900) },
      { testId: test.id, variant: r.variant, metric: 'clicks', sum: views * r.ctr, sumSquares: units * (0.6 + (3 * r.ctr) ** 2), sumY: views, sumYSquares: units * 11, sumXy: units * (3 * r.ctr * 3 + 0.5) },
    ]);
  }
  const first = await getResults(test.id);
  const samples = await measure(200, 20, async () => void (await getResults(test.id)));
  return {
    eventsRepresented: 10_000_000,
    unitsPerVariant: units,
    getResults: summarize(samples),
    recommendation: first.recommendation.action,
    aim: { p99Ms: 50 },
    meetsAim: summarize(samples).p99Ms < 50,
  };
}

export async function benchAb() {
  const { key } = await createApiKey(meta, { name: 'bench-ab', role: 'ml_engineer' });
  const bare = await startBareServer(Number(process.env.BENCH_BARE_PORT ?? 3197));
  // A simulator for the gateway's deployments, joined before the API process starts so it joins the same one.
  const sim = await joinTestSimulator(fastOptions({ timings: { readyDelayMs: 100 } }));
  const api = await startApiServer(Number(process.env.BENCH_API_PORT ?? 3196));
  try {
    const assignment = await benchAssignment(api.url, bare.url, key);
    const ingestion = await benchIngestion(api.url, key);
    const analysis = await benchAnalysis();
    const gateway = await benchGateway(api.url, key);
    return { connections: CONNECTIONS, durationS: DURATION_S, assignment, ingestion, analysis, gateway };
  } finally {
    await api.stop();
    await bare.stop();
    await sim.stop();
  }
}

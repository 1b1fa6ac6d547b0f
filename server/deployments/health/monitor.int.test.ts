import { randomUUID } from 'node:crypto';
import { desc, eq, lt, sql } from 'drizzle-orm';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as metricsRoute } from '@/app/api/metrics/route';
import { db } from '@/db/client';
import { deploymentHealthChecks } from '@/db/schema/deployments';
import { type Actor, systemActor } from '@/server/auth/actor';
import { joinTestSimulator } from '@/server/cluster/overview/testing';
import type { Simulator } from '@/server/cluster/sim';
import { fastOptions } from '@/server/cluster/sim/testing/fast-options';
import { waitFor } from '@/server/cluster/sim/testing/wait-for';
import { closeQueues, enqueue, getQueue } from '@/server/queue/factory';
import { createFamily } from '@/server/registry/families';
import { createVersion } from '@/server/registry/versions';
import { meta, testUser, uniqueSlug } from '@/test/fixtures';
import { deploymentsProcessor } from '@/workers/processors/deployments';
import { closeWorkers, register } from '@/workers/register';
import { deploymentConfig } from '../config';
import { deployModel } from '../deploy';
import { describeDeployment } from '../status';
import { undeployModel } from '../undeploy';
import { runHealthRound } from './monitor';

/*
 * The health monitor against the simulator: figures read from each pod's /metrics, the probe timeout,
 * bounded retention of the time series, and the job and check results at /api/metrics.
 */

let sim: Simulator;
let stopSim: () => Promise<void>;
let engineer: Actor;

const small = { gpu: 0, cpu: '1', memory: '2Gi' };
const system = { actor: systemActor, requestId: 'test-monitor' };

beforeAll(async () => {
  ({ sim, stop: stopSim } = await joinTestSimulator(fastOptions({ timings: { readyDelayMs: 300 } })));
  engineer = await testUser('ml_engineer');
}, 60_000);

afterAll(async () => {
  await closeWorkers();
  await closeQueues();
  await stopSim?.();
});

async function deploySmall(opts: { replicas?: number; env?: Record<string, string>; ready?: boolean } = {}) {
  const family = await createFamily(meta(engineer), { slug: uniqueSlug('mon'), displayName: 'Monitor test', baseModel: 'microsoft/DialoGPT-medium', specialization: 'sales_assistant' });
  await createVersion(meta(engineer), family.slug, { version: '1.0.0', metrics: { accuracy: 0.8 } });
  const replicas = opts.replicas ?? 1;
  const d = await deployModel(meta(engineer), family.slug, { environment: 'staging', version: '1.0.0', replicas, resources: small, env: opts.env, recovery: { restartAfterFailures: 10, rollbackWindowMinutes: 10 } });
  if (opts.ready !== false) {
    await waitFor(`${replicas} ready replica(s)`, async () => {
      const r = (await describeDeployment(d.id)).cluster?.rollout;
      return r && !r.inProgress && r.ready === replicas && sim.resolveService(d.namespace, d.name).length === replicas;
    }, 20_000, 50);
  }
  return { family, d, undeploy: () => undeployModel(meta(engineer), family.slug, 'staging') };
}

/** One round of this process (a scheduled round running in a test worker makes a call skip: try again). */
async function round() {
  return waitFor('a health round of this test', () => runHealthRound(system), 15_000, 20);
}

const latestCheck = async (deploymentId: string) =>
  (await db.select().from(deploymentHealthChecks).where(eq(deploymentHealthChecks.deploymentId, deploymentId)).orderBy(desc(deploymentHealthChecks.id)).limit(1))[0];

async function chat(baseUrl: string, maxTokens: number): Promise<number> {
  const res = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'tell me about the product range and its prices' }], max_tokens: maxTokens }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens;
}

describe('health monitor on the simulator', () => {
  it('stores latency p50/p95 and tokens/s read from every ready pod’s /metrics (2 replicas)', async () => {
    const { d, undeploy } = await deploySmall({ replicas: 2, env: { NW_SIM_LATENCY_MS: '20', NW_SIM_LATENCY_P95_MS: '40' } });
    const pods = sim.resolveService(d.namespace, d.name);
    expect(pods).toHaveLength(2);

    const t0 = Date.now();
    await round(); // the baseline scrape of each pod
    const t1 = Date.now();
    // Traffic spread over both pods as the Service would (three times as much on the second).
    const sent = await Promise.all(Array.from({ length: 24 }, (_, i) => chat(pods[i % 4 === 0 ? 0 : 1], 32)));
    const tokens = sent.reduce((a, b) => a + b, 0);
    await new Promise((r) => setTimeout(r, 400));
    const t2 = Date.now();
    await round();
    const t3 = Date.now();

    const check = await latestCheck(d.id);
    expect(check).toMatchObject({ status: 'healthy', readyReplicas: 2, desiredReplicas: 2 });
    expect(check.latencyP50Ms).not.toBeNull();
    expect(check.latencyP95Ms).not.toBeNull();
    expect(check.tokensPerSecond).not.toBeNull();
    expect(check.latencyP50Ms!).toBeGreaterThan(0);
    expect(check.latencyP50Ms!).toBeLessThan(500);
    expect(check.latencyP95Ms!).toBeGreaterThanOrEqual(check.latencyP50Ms!);
    expect(check.errorRate).toBe(0);
    // The interval between the two scrapes lies within [t2 - t1, t3 - t0]; its tokens are the traffic's plus
    // at most the monitor's own two small probes. A scrape of one pod only would see a quarter or three quarters.
    const tps = check.tokensPerSecond!;
    expect(tps * ((t3 - t0) / 1000)).toBeGreaterThanOrEqual(tokens);
    expect(tps * ((t2 - t1) / 1000)).toBeLessThanOrEqual(tokens + 16);
    await undeploy();
  });

  it('marks a model server slower than the probe timeout unhealthy, naming the timeout, within about the timeout', async () => {
    const { probeTimeoutMs } = deploymentConfig();
    // Every chat completion takes 3 s (median and p95 alike).
    const { d, family, undeploy } = await deploySmall({ env: { NW_SIM_LATENCY_MS: String(3 * probeTimeoutMs), NW_SIM_LATENCY_P95_MS: String(3 * probeTimeoutMs) } });
    let worker: Worker | undefined;
    try {
      const started = performance.now();
      const r = await round();
      const roundMs = performance.now() - started;
      const result = r.results.find((x) => x.deploymentId === d.id)!;
      expect(result).toMatchObject({ status: 'unhealthy', action: null });
      expect(result.reason).toBe(`chat completion failed: no answer within ${probeTimeoutMs} ms`);
      expect(result.ms).toBeGreaterThanOrEqual(probeTimeoutMs * 0.95);
      expect(result.ms).toBeLessThan(probeTimeoutMs + 500);
      expect(roundMs).toBeLessThan(probeTimeoutMs + 1_500);
      const check = await latestCheck(d.id);
      expect(check).toMatchObject({ status: 'unhealthy', chatMs: null, readyReplicas: 1 });
      expect(check.healthMs).toBeGreaterThan(0); // /health itself answers at once

      // The same round as a job on the deployments queue: its duration shows at /api/metrics by queue.
      await getQueue('deployments').clean(0, 10_000, 'completed');
      worker = register('deployments', deploymentsProcessor, { concurrency: 1 });
      const job = await enqueue('deployments', 'health-round', {}, { jobId: `test-round-${randomUUID()}` });
      const state = await waitFor('the health-round job', async () => {
        const s = await job.getState();
        return s === 'completed' || s === 'failed' ? s : undefined;
      }, 15_000, 50);
      expect(state).toBe('completed');
      const res = await metricsRoute();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = await res.text();
      for (const [name, type] of [
        ['nw_http_request_duration_seconds', 'histogram'],
        ['nw_ab_assignments_total', 'counter'],
        ['nw_queue_jobs', 'gauge'],
        ['nw_queue_job_duration_seconds', 'gauge'],
        ['nw_deployment_health', 'gauge'],
        ['nw_deployment_health_checks', 'gauge'],
        ['nw_deployment_consecutive_unhealthy_checks', 'gauge'],
        ['nw_deployment_ready_replicas', 'gauge'],
      ]) {
        expect(body, name).toContain(`# TYPE ${name} ${type}`);
      }
      const duration = Number(/^nw_queue_job_duration_seconds\{queue="deployments",quantile="0\.99"\} (\S+)$/m.exec(body)?.[1]);
      expect(duration).toBeGreaterThanOrEqual((probeTimeoutMs * 0.95) / 1000); // the round waited out the timeout
      expect(duration).toBeLessThan((probeTimeoutMs + 2_000) / 1000);
      expect(body).toMatch(/^nw_queue_jobs\{queue="deployments",state="completed"\} [1-9]/m);
      expect(body).toContain(`nw_deployment_health{model="${family.slug}",environment="staging",status="unhealthy"} 1`);
      expect(body).toMatch(new RegExp(`^nw_deployment_health_checks\\{model="${family.slug}",environment="staging",status="unhealthy"\\} [2-9]`, 'm'));
      expect(body).toMatch(new RegExp(`^nw_deployment_consecutive_unhealthy_checks\\{model="${family.slug}",environment="staging"\\} [2-9]`, 'm'));
    } finally {
      await worker?.close();
      await undeploy();
    }
  });

  it('prunes checks older than the retention, also when no deployment is left to check', async () => {
    const { retentionHours } = deploymentConfig();
    const { d, undeploy } = await deploySmall({ ready: false });
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
    const row = (at: Date) => ({ deploymentId: d.id, at, status: 'healthy' as const, reason: 'back-dated', version: '1.0.0', desiredReplicas: 1, readyReplicas: 1, restarts: 0 });
    await db.insert(deploymentHealthChecks).values([row(hoursAgo(retentionHours + 1)), row(hoursAgo(retentionHours * 3)), row(hoursAgo(retentionHours - 0.25))]);

    await round();
    const kept = await db.select().from(deploymentHealthChecks).where(eq(deploymentHealthChecks.deploymentId, d.id));
    const backDated = kept.filter((c) => c.reason === 'back-dated');
    expect(backDated).toHaveLength(1); // the one inside the retention
    expect(backDated[0].at.getTime()).toBeGreaterThan(hoursAgo(retentionHours).getTime());
    expect(kept.some((c) => c.reason !== 'back-dated')).toBe(true); // this round's own check
    const cutoff = lt(deploymentHealthChecks.at, hoursAgo(retentionHours));
    expect((await db.select({ n: sql<number>`count(*)::int` }).from(deploymentHealthChecks).where(cutoff))[0].n).toBe(0);

    // The deployment is gone; its old checks still age out on the next round.
    await undeploy();
    await db.insert(deploymentHealthChecks).values(row(hoursAgo(retentionHours + 2)));
    await round();
    expect((await db.select({ n: sql<number>`count(*)::int` }).from(deploymentHealthChecks).where(cutoff))[0].n).toBe(0);
  });
});

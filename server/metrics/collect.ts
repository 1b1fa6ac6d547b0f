import { and, count, desc, eq, inArray } from 'drizzle-orm';
import { db } from '@/db/client';
import { deploymentHealthChecks, deployments, healthStatusEnum } from '@/db/schema/deployments';
import { logger } from '@/server/logger';
import { getQueue } from '@/server/queue/factory';
import { queueNames } from '@/server/queue/queues';
import { appMetrics } from './registry';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

async function collectQueues() {
  const m = appMetrics();
  await Promise.all(
    queueNames.map(async (name) => {
      const queue = getQueue(name);
      const counts = await queue.getJobCounts(...STATES);
      for (const state of STATES) m.queueJobs.set({ queue: name, state }, counts[state] ?? 0);
      const recent = await queue.getJobs(['completed'], 0, 199, false);
      const durations = recent
        .map((j) => (j.finishedOn && j.processedOn ? (j.finishedOn - j.processedOn) / 1000 : null))
        .filter((d): d is number => d !== null)
        .sort((a, b) => a - b);
      for (const q of [0.5, 0.95, 0.99]) m.queueJobDuration.set({ queue: name, quantile: String(q) }, quantile(durations, q));
    }),
  );
}

async function collectDeployments() {
  const m = appMetrics();
  const rows = await db.select().from(deployments).where(eq(deployments.status, 'active'));
  m.deploymentHealth.reset();
  m.deploymentFailures.reset();
  m.deploymentReady.reset();
  m.deploymentLatencyP95.reset();
  m.deploymentErrorRate.reset();
  m.deploymentChecks.reset();
  if (rows.length === 0) return;
  const ids = rows.map((r) => r.id);
  const [latest, counts] = await Promise.all([
    db
      .selectDistinctOn([deploymentHealthChecks.deploymentId])
      .from(deploymentHealthChecks)
      .where(inArray(deploymentHealthChecks.deploymentId, ids))
      .orderBy(deploymentHealthChecks.deploymentId, desc(deploymentHealthChecks.id)),
    db
      .select({ deploymentId: deploymentHealthChecks.deploymentId, status: deploymentHealthChecks.status, n: count() })
      .from(deploymentHealthChecks)
      .where(and(inArray(deploymentHealthChecks.deploymentId, ids)))
      .groupBy(deploymentHealthChecks.deploymentId, deploymentHealthChecks.status),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const r of rows) {
    const labels = { model: r.familySlug, environment: r.environment };
    for (const status of healthStatusEnum.enumValues) m.deploymentHealth.set({ ...labels, status }, r.health === status ? 1 : 0);
    m.deploymentFailures.set(labels, r.consecutiveFailures);
  }
  for (const c of latest) {
    const r = byId.get(c.deploymentId)!;
    const labels = { model: r.familySlug, environment: r.environment };
    m.deploymentReady.set(labels, c.readyReplicas);
    if (c.latencyP95Ms !== null) m.deploymentLatencyP95.set(labels, c.latencyP95Ms / 1000);
    if (c.errorRate !== null) m.deploymentErrorRate.set(labels, c.errorRate);
  }
  for (const c of counts) {
    const r = byId.get(c.deploymentId)!;
    m.deploymentChecks.set({ model: r.familySlug, environment: r.environment, status: c.status }, c.n);
  }
}

/** Refreshes the scrape-time gauges, then renders the registry in Prometheus text format. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  const results = await Promise.allSettled([collectQueues(), collectDeployments()]);
  for (const r of results) if (r.status === 'rejected') logger.warn({ err: r.reason }, 'metrics collection failed (served what is known)');
  const { registry } = appMetrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}

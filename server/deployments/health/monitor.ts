import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IService } from 'kubernetes-models/v1/Service';
import { eq, lt, sql } from 'drizzle-orm';
import { db } from '@/db/client';
import { deploymentHealthChecks, deployments } from '@/db/schema/deployments';
import type { RequestMeta } from '@/server/auth/actor';
import { ANNOTATIONS, type Cluster, DEFAULT_ALERT_THRESHOLDS, getCluster, Kinds, LABELS, labelSelector, MANAGED_BY } from '@/server/cluster';
import { serviceBaseUrls } from '@/server/cluster/service-endpoints';
import { logger } from '@/server/logger';
import { deploymentConfig } from '../config';
import { rollbackDeployment, restartDeployment } from '../recovery';
import { podRestarts, readRollout } from '../rollout';
import type { DeploymentRow } from '../store';
import { diffSamples, histogramQuantile, parseServerMetrics, type ServerSample, sumSamples } from './prometheus';
import { probeChat, probeHealth, scrapeMetrics } from './probe';
import { scrapeTargets } from './targets';
import { decideRecovery, summariseHealth } from './summarise';

/*
 * The health monitor: one round checks every active deployment. The cluster is read with three list
 * calls per namespace for all deployments together (Deployments, ReplicaSets, pods, Services by the
 * model-server label), then each deployment gets /health, one chat completion and a /metrics scrape
 * of each ready pod, all with the probe timeout, many deployments at once. Results go to the time
 * series in one insert; K consecutive unhealthy checks trigger a restart or, in the window after a
 * version change, an automatic rollback.
 */

// Checks mostly wait on the model servers (a chat completion takes a few hundred ms): run them all at once.
const CONCURRENCY = 256;
/** A pod not ready within this long after creation (and never restarted) counts as starting, not failing. */
const STARTUP_GRACE_MS = 5 * 60_000;

/** Last scrape per deployment and endpoint, for interval figures (this process only; a restart starts over). */
const lastScrapes = new Map<string, Map<string, ServerSample>>();
let roundRobin = 0;

export interface CheckResult {
  deploymentId: string;
  status: 'healthy' | 'degraded' | 'unhealthy';
  reason: string;
  action: 'restart' | 'rollback' | null;
  ms: number;
}

export interface RoundResult {
  checked: number;
  ms: number;
  results: CheckResult[];
  /** Milliseconds per phase: reading the rows, listing the cluster, the checks, writing the results. */
  phases: { rows: number; cluster: number; checks: number; write: number };
  actions: Array<{ deploymentId: string; action: 'restart' | 'rollback'; ok: boolean }>;
}

interface ClusterSnapshot {
  deployments: Map<string, IDeployment>;
  replicaSets: IReplicaSet[];
  pods: IPod[];
  services: Map<string, IService>;
}

async function snapshot(cluster: Cluster, namespace: string): Promise<ClusterSnapshot> {
  const labelSelectorText = labelSelector({ [LABELS.managedBy]: MANAGED_BY, [LABELS.component]: 'model-server' });
  const opts = { labelSelector: labelSelectorText };
  const [d, rs, p, s] = await Promise.all([
    cluster.client.list(Kinds.Deployment, opts, namespace),
    cluster.client.list(Kinds.ReplicaSet, opts, namespace),
    cluster.client.list(Kinds.Pod, opts, namespace),
    cluster.client.list(Kinds.Service, opts, namespace),
  ]);
  return {
    deployments: new Map(d.items.map((x) => [x.metadata!.name!, x])),
    replicaSets: rs.items,
    pods: p.items.filter((x) => !x.metadata?.deletionTimestamp),
    services: new Map(s.items.map((x) => [x.metadata!.name!, x])),
  };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

type CheckRow = typeof deploymentHealthChecks.$inferInsert;

async function checkOne(cluster: Cluster, snap: ClusterSnapshot, row: DeploymentRow, timeoutMs: number): Promise<{ check: CheckRow; status: CheckResult['status']; reason: string; ms: number }> {
  const started = performance.now();
  const deployment = snap.deployments.get(row.name) ?? null;
  const pods = snap.pods.filter((p) => p.metadata?.labels?.[LABELS.instance] === row.name);
  const rollout = readRollout(deployment, snap.replicaSets.filter((r) => r.metadata?.labels?.[LABELS.instance] === row.name), pods);
  const service = snap.services.get(row.name) ?? null;
  const urls = deployment ? await serviceBaseUrls(cluster, row, { service, pods }) : [];
  const base = urls.length ? urls[roundRobin++ % urls.length] : null;
  const tryProbes = !!base && rollout.desired > 0;
  // /metrics of each ready pod on its own (not through the Service, which may pick another pod each time).
  const targets = deployment ? await scrapeTargets(cluster, row, service, pods) : [];
  const [health, chat, scrapes] = await Promise.all([
    tryProbes ? probeHealth(base!, timeoutMs) : null,
    tryProbes ? probeChat(base!, row.familySlug, timeoutMs) : null,
    Promise.all(targets.map(async (t) => ({ target: t, text: await scrapeMetrics(t.url, timeoutMs), at: Date.now() }))),
  ]);

  // Interval figures per pod against this process's previous scrape of the same pod, then summed.
  const previous = lastScrapes.get(row.id) ?? new Map<string, ServerSample>();
  const nowScrapes = new Map<string, ServerSample>();
  const deltas: ServerSample[] = [];
  let tokensPerSecond: number | null = null;
  for (const { target, text, at } of scrapes) {
    const before = previous.get(target.key);
    if (text === null) {
      // Keep the pod's last good scrape, so the next difference still covers one pod's interval.
      if (before) nowScrapes.set(target.key, before);
      continue;
    }
    const sample = parseServerMetrics(text, at);
    nowScrapes.set(target.key, sample);
    const delta = diffSamples(sample, before);
    deltas.push(delta);
    // A pod seen for the first time has no interval yet: its counters count for latency, not for the rate.
    if (before) tokensPerSecond = (tokensPerSecond ?? 0) + delta.generationTokens / Math.max(0.001, (at - before.at) / 1000);
  }
  lastScrapes.set(row.id, nowScrapes);
  const total = sumSamples(deltas);
  const p50 = histogramQuantile(0.5, total.buckets);
  const p95 = histogramQuantile(0.95, total.buckets);
  const errorRate = total.chatRequests > 0 ? total.chatErrors / total.chatRequests : null;

  const thresholds = {
    errorRate: Number(row.spec.alerts.errorRate ?? DEFAULT_ALERT_THRESHOLDS.errorRate),
    latencyP95Seconds: Number(row.spec.alerts.latencyP95Seconds ?? DEFAULT_ALERT_THRESHOLDS.latencyP95Seconds),
  };
  const { status, reason } = summariseHealth({
    deploymentFound: !!deployment,
    desired: rollout.desired,
    ready: rollout.ready,
    crashLooping: rollout.crashLooping,
    rolloutInProgress: rollout.inProgress,
    startingPods: pods.filter((p) => {
      const c = p.status?.containerStatuses?.[0];
      const age = Date.now() - Date.parse(p.metadata?.creationTimestamp ?? '');
      return !c?.ready && (c?.restartCount ?? 0) === 0 && !(c?.state?.waiting?.reason ?? '').includes('BackOff') && age < STARTUP_GRACE_MS;
    }).length,
    newVersionCrashLooping: podRestarts(pods.filter((p) => p.metadata?.annotations?.[ANNOTATIONS.modelVersion] === row.version)).crashLooping,
    rolloutStuck: rollout.conditions.some((c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded'),
    health: tryProbes ? health : rollout.desired > 0 && rollout.ready > 0 ? { ok: false, ms: 0, error: 'no ready endpoint behind the Service' } : null,
    chat,
    errorRate,
    latencyP95Ms: p95 === null ? null : p95 * 1000,
    thresholds,
  });
  return {
    status,
    reason,
    ms: performance.now() - started,
    check: {
      deploymentId: row.id,
      status,
      reason,
      version: row.version,
      desiredReplicas: rollout.desired,
      readyReplicas: rollout.ready,
      restarts: rollout.restarts,
      healthMs: health?.ok ? health.ms : null,
      chatMs: chat?.ok ? chat.ms : null,
      latencyP50Ms: p50 === null ? null : p50 * 1000,
      latencyP95Ms: p95 === null ? null : p95 * 1000,
      errorRate,
      tokensPerSecond,
    },
  };
}

/** Bounded retention: checks older than NEUROWEAVER_HEALTH_RETENTION_HOURS go (every deployment's, removed ones' too). */
async function pruneChecks(q: Pick<typeof db, 'delete'>, now: Date, retentionHours: number) {
  await q.delete(deploymentHealthChecks).where(lt(deploymentHealthChecks.at, new Date(now.getTime() - retentionHours * 3_600_000)));
}

let inFlight = false;

/** One round over every active deployment. Overlapping calls in one process skip (returns null). */
export async function runHealthRound(meta: RequestMeta): Promise<RoundResult | null> {
  if (inFlight) return null;
  inFlight = true;
  try {
    return await round(meta);
  } finally {
    inFlight = false;
  }
}

async function round(meta: RequestMeta): Promise<RoundResult> {
  const started = performance.now();
  const { probeTimeoutMs, retentionHours } = deploymentConfig();
  const rows = await db.select().from(deployments).where(eq(deployments.status, 'active'));
  if (rows.length === 0) {
    // Nothing to check, but checks of deployments removed since still age out.
    lastScrapes.clear();
    await pruneChecks(db, new Date(), retentionHours);
    return { checked: 0, ms: performance.now() - started, results: [], actions: [], phases: { rows: performance.now() - started, cluster: 0, checks: 0, write: 0 } };
  }
  const tRows = performance.now();
  const cluster = await getCluster();
  const namespaces = [...new Set(rows.map((r) => r.namespace))];
  const snaps = new Map(await Promise.all(namespaces.map(async (ns) => [ns, await snapshot(cluster, ns)] as const)));

  const tCluster = performance.now();
  const checks = await mapLimit(rows, CONCURRENCY, (row) => checkOne(cluster, snaps.get(row.namespace)!, row, probeTimeoutMs));
  const now = new Date();
  const decisions = rows.map((row, i) =>
    decideRecovery(
      { consecutiveFailures: row.consecutiveFailures, restartAfterFailures: row.restartAfterFailures, rollbackWindowMinutes: row.rollbackWindowMinutes, rolloutStartedAt: row.rolloutStartedAt, hasPreviousVersion: !!row.previousSpec },
      checks[i].status,
      now,
    ),
  );

  const tChecks = performance.now();
  // Forget scrapes of deployments no longer active.
  const active = new Set(rows.map((r) => r.id));
  for (const id of lastScrapes.keys()) if (!active.has(id)) lastScrapes.delete(id);
  await db.transaction(async (tx) => {
    await tx.insert(deploymentHealthChecks).values(checks.map((c) => ({ ...c.check, at: now })));
    // One statement for every row's summary.
    const values = sql.join(
      rows.map((r, i) => sql`(${r.id}::uuid, ${checks[i].status}::health_status, ${checks[i].reason}, ${decisions[i].failures}::int)`),
      sql`, `,
    );
    await tx.execute(sql`
      update ${deployments} d set health = v.status, health_reason = v.reason, consecutive_failures = v.failures, last_checked_at = ${now}
      from (values ${values}) as v(id, status, reason, failures)
      where d.id = v.id and d.status = 'active'`);
    await pruneChecks(tx, now, retentionHours);
  });

  const tWrite = performance.now();
  const actions: RoundResult['actions'] = [];
  for (let i = 0; i < rows.length; i++) {
    const action = decisions[i].action;
    if (!action) continue;
    const row = rows[i];
    const why = `${row.restartAfterFailures} consecutive unhealthy checks (${checks[i].reason})`;
    try {
      if (action === 'rollback') await rollbackDeployment(meta, row.id, why);
      else await restartDeployment(meta, row.id, why, { automatic: true });
      actions.push({ deploymentId: row.id, action, ok: true });
      logger.warn({ deployment: row.id, model: row.familySlug, environment: row.environment, action, reason: checks[i].reason }, 'automatic recovery');
    } catch (err) {
      actions.push({ deploymentId: row.id, action, ok: false });
      logger.error({ err, deployment: row.id, action }, 'automatic recovery failed');
    }
  }
  return {
    checked: rows.length,
    ms: performance.now() - started,
    phases: { rows: tRows - started, cluster: tCluster - tRows, checks: tChecks - tCluster, write: tWrite - tChecks },
    results: rows.map((r, i) => ({ deploymentId: r.id, status: checks[i].status, reason: checks[i].reason, action: decisions[i].action, ms: checks[i].ms })),
    actions,
  };
}

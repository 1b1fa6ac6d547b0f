import { and, asc, eq, gte, ne } from 'drizzle-orm';
import { db } from '@/db/client';
import { type DeploymentEnvironment, deploymentHealthChecks, deployments } from '@/db/schema/deployments';
import { type Cluster, type ClusterEventSummary, DEFAULT_ALERT_THRESHOLDS, getCluster, Kinds, LABELS, labelSelector, MANAGED_BY } from '@/server/cluster';
import { clusterDnsUrl, serviceBaseUrls } from '@/server/cluster/service-endpoints';
import { resolveFamily } from '@/server/registry/refs';
import { buildManifests, manifestsYaml } from './manifests';
import { readRollout, type RolloutView } from './rollout';
import { type DeploymentRow, getById, listActions, targetOf } from './store';

export interface ClusterView {
  found: boolean;
  rollout: RolloutView;
  endpoint: { service: string | null; ready: string[] };
  events: ClusterEventSummary[];
  pods: Array<{ name: string; version: string; phase: string; ready: boolean; restarts: number; reason: string | null }>;
}

/** The cluster's view of one deployment: rollout, pods, endpoints, recent events. */
export async function readClusterView(cluster: Cluster, row: Pick<DeploymentRow, 'name' | 'namespace'>): Promise<ClusterView> {
  const { client } = cluster;
  const selector = labelSelector({ [LABELS.managedBy]: MANAGED_BY, [LABELS.instance]: row.name });
  const [deployment, replicaSets, pods, service] = await Promise.all([
    client.find(Kinds.Deployment, row.name, row.namespace),
    client.list(Kinds.ReplicaSet, { labelSelector: selector }, row.namespace),
    client.list(Kinds.Pod, { labelSelector: selector }, row.namespace),
    client.find(Kinds.Service, row.name, row.namespace),
  ]);
  const live = pods.items.filter((p) => !p.metadata?.deletionTimestamp);
  const [ready, events] = await Promise.all([
    serviceBaseUrls(cluster, row, { service, pods: live }),
    deployment ? eventsOf(cluster, [deployment, ...live.slice(0, 5)]) : Promise.resolve([]),
  ]);
  return {
    found: !!deployment,
    rollout: readRollout(deployment, replicaSets.items, live),
    endpoint: { service: service ? clusterDnsUrl(service) : null, ready },
    events,
    pods: live.map((p) => {
      const c = p.status?.containerStatuses?.[0];
      return {
        name: p.metadata?.name ?? '',
        version: p.metadata?.labels?.[LABELS.modelVersion] ?? '',
        phase: p.status?.phase ?? 'Pending',
        ready: !!c?.ready,
        restarts: c?.restartCount ?? 0,
        reason: c?.state?.waiting?.reason ?? c?.state?.terminated?.reason ?? null,
      };
    }),
  };
}

async function eventsOf(cluster: Cluster, objects: Array<{ kind?: string; metadata?: { name?: string; namespace?: string; uid?: string } }>): Promise<ClusterEventSummary[]> {
  const lists = await Promise.all(objects.map((o) => cluster.client.eventsFor({ kind: o.kind ?? 'Pod', metadata: o.metadata }).catch(() => [])));
  return lists
    .flat()
    .sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''))
    .slice(0, 30);
}

function summary(row: DeploymentRow) {
  return {
    id: row.id,
    model: row.familySlug,
    familyId: row.familyId,
    environment: row.environment,
    status: row.status,
    name: row.name,
    namespace: row.namespace,
    version: row.version,
    previousVersion: row.previousSpec?.version ?? null,
    replicas: row.spec.replicas,
    spec: row.spec,
    health: { status: row.health, reason: row.healthReason, consecutiveFailures: row.consecutiveFailures, lastCheckedAt: row.lastCheckedAt },
    recovery: { restartAfterFailures: row.restartAfterFailures, rollbackWindowMinutes: row.rollbackWindowMinutes, rolloutStartedAt: row.rolloutStartedAt },
    createdBy: row.createdByLabel,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
export type DeploymentSummary = ReturnType<typeof summary>;

/** One deployment in full: the row, the cluster's view, actions and alerts, the manifests as YAML. */
export async function describeDeployment(id: string) {
  const row = await getById(id);
  const cluster = await getCluster();
  const [view, actions] = await Promise.all([row.status === 'removed' ? null : readClusterView(cluster, row), listActions(row.id, 50)]);
  const lastManual = actions.find((a) => !a.automatic && (a.kind === 'deployed' || a.kind === 'updated'));
  return {
    ...summary(row),
    cluster: view,
    actions,
    // Alerts stay up until someone deploys again.
    alerts: actions.filter((a) => a.severity === 'alert' && (!lastManual || a.id > lastManual.id)),
    manifestsYaml: manifestsYaml(buildManifests(targetOf(row), row.spec)),
    /** The PrometheusRule's thresholds: the deployment's own over the defaults. */
    alertThresholds: { ...DEFAULT_ALERT_THRESHOLDS, ...row.spec.alerts },
  };
}
export type DeploymentDetail = Awaited<ReturnType<typeof describeDeployment>>;

/** `GET /deploy/{model_id}/status`: every live deployment of the model (or the one environment). */
export async function getDeployStatus(familyRef: string, environment?: DeploymentEnvironment) {
  const family = await resolveFamily(db, familyRef);
  const rows = await db
    .select({ id: deployments.id })
    .from(deployments)
    .where(and(eq(deployments.familyId, family.id), ne(deployments.status, 'removed'), environment ? eq(deployments.environment, environment) : undefined))
    .orderBy(asc(deployments.environment));
  return { model: family.slug, familyId: family.id, environments: await Promise.all(rows.map((r) => describeDeployment(r.id))) };
}

/** The deployments list: live deployments with their health. */
export async function listDeployments(input: { environment?: DeploymentEnvironment; limit: number }) {
  const rows = await db
    .select()
    .from(deployments)
    .where(and(ne(deployments.status, 'removed'), input.environment ? eq(deployments.environment, input.environment) : undefined))
    .orderBy(asc(deployments.familySlug), asc(deployments.environment))
    .limit(input.limit);
  return rows.map(summary);
}

/** Health checks of the last `minutes`, oldest first, for the charts. */
export async function healthSeries(id: string, minutes: number) {
  await getById(id);
  return db
    .select()
    .from(deploymentHealthChecks)
    .where(and(eq(deploymentHealthChecks.deploymentId, id), gte(deploymentHealthChecks.at, new Date(Date.now() - minutes * 60_000))))
    .orderBy(asc(deploymentHealthChecks.id))
    .limit(2000);
}

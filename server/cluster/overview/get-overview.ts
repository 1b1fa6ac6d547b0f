import type { IEvent } from 'kubernetes-models/v1/Event';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { INode } from 'kubernetes-models/v1/Node';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { logger } from '@/server/logger';
import { getCluster, type Cluster } from '../config';
import { ClusterForbiddenError, ClusterUnavailableError } from '../errors';
import { describeJobFailure, describePodFailure } from '../failures';
import { Kinds } from '../kinds';
import { ANNOTATIONS, LABELS } from '../manifests/labels';
import { GPU_RESOURCE } from '../manifests/training-job';
import type { ClusterEventRow, ClusterJobSummary, ClusterNodeSummary, ClusterOverview, ClusterPodSummary } from './schemas';

/** How many events the page shows. */
export const RECENT_EVENTS = 50;

/**
 * One picture of the cluster for the Cluster page: nodes with their GPUs (cluster-scoped), and the
 * Jobs, pods and recent events of NeuroWeaver's namespace. An unreachable cluster is reported in
 * `unreachable` (with the identity, so the page can say which cluster it could not reach) rather than
 * thrown; answers the cluster refuses (RBAC, 4xx) are thrown as the cluster layer's domain errors.
 */
export async function getClusterOverview(cluster?: Cluster): Promise<ClusterOverview> {
  const c = cluster ?? (await getCluster());
  const at = new Date().toISOString();
  try {
    const [nodes, pods, jobs, events] = await Promise.all([
      c.client.list(Kinds.Node),
      c.client.list(Kinds.Pod),
      c.client.list(Kinds.Job),
      c.client.list(Kinds.Event),
    ]);
    const gpuPods = await podsHoldingGpus(c, pods.items);
    return { identity: c.identity, unreachable: null, ...summarise(nodes.items, pods.items, jobs.items, events.items, gpuPods), at };
  } catch (error) {
    if (!(error instanceof ClusterUnavailableError)) throw error;
    logger.warn({ err: error, server: c.identity.server }, 'cluster overview: cluster unreachable');
    return {
      identity: c.identity,
      unreachable: `Could not reach the cluster at ${c.identity.server || 'its API server'}: ${error.message}`,
      nodes: [],
      totals: { gpus: 0, gpusInUse: 0, pendingForGpu: 0 },
      jobs: [],
      pods: [],
      events: [],
      at,
    };
  }
}

/**
 * Pods whose GPUs count against the nodes: every non-terminated pod in every namespace, as
 * `kubectl describe node` counts them. Where NeuroWeaver may not list pods cluster-wide, only its own
 * namespace's pods are counted.
 */
async function podsHoldingGpus(c: Cluster, namespacePods: IPod[]): Promise<IPod[]> {
  try {
    const all = await c.client.list(Kinds.Pod, { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }, '');
    return all.items;
  } catch (error) {
    if (error instanceof ClusterForbiddenError) return namespacePods.filter((p) => !terminated(p));
    throw error;
  }
}

/** The pure part: the lists the cluster answered → what the page shows. */
export function summarise(nodes: INode[], pods: IPod[], jobs: IJob[], events: IEvent[], gpuPods: IPod[] = pods) {
  const inUse = new Map<string, number>();
  for (const p of gpuPods) {
    const node = p.spec?.nodeName;
    if (node && !terminated(p)) inUse.set(node, (inUse.get(node) ?? 0) + podGpus(p));
  }
  const nodeRows: ClusterNodeSummary[] = nodes
    .map((n) => ({
      name: n.metadata?.name ?? '',
      ready: n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      gpuProduct: n.metadata?.labels?.['nvidia.com/gpu.product'] ?? null,
      gpuCapacity: quantity(n.status?.capacity?.[GPU_RESOURCE]),
      gpuAllocatable: quantity(n.status?.allocatable?.[GPU_RESOURCE] ?? n.status?.capacity?.[GPU_RESOURCE]),
      gpuInUse: inUse.get(n.metadata?.name ?? '') ?? 0,
      cpu: str(n.status?.allocatable?.cpu ?? n.status?.capacity?.cpu),
      memory: str(n.status?.allocatable?.memory ?? n.status?.capacity?.memory),
    }))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));

  const podRows: ClusterPodSummary[] = newestFirst(pods).map((p) => {
    const failure = describePodFailure(p);
    return {
      name: p.metadata?.name ?? '',
      phase: p.metadata?.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? 'Pending'),
      node: p.spec?.nodeName ?? null,
      reason: podReason(p),
      failure,
      gpus: podGpus(p),
      restarts: (p.status?.containerStatuses ?? []).reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
      createdAt: str(p.metadata?.creationTimestamp),
    };
  });

  const podsByJob = new Map<string, IPod[]>();
  for (const p of pods) {
    const owner = p.metadata?.ownerReferences?.find((o) => o.kind === 'Job')?.name ?? p.metadata?.labels?.['job-name'];
    if (owner) podsByJob.set(owner, [...(podsByJob.get(owner) ?? []), p]);
  }
  const jobRows: ClusterJobSummary[] = newestFirst(jobs).map((j) => {
    const name = j.metadata?.name ?? '';
    const annotations = j.metadata?.annotations ?? {};
    const labels = j.metadata?.labels ?? {};
    return {
      name,
      pipeline: annotations[ANNOTATIONS.pipelineId] ?? labels[LABELS.pipeline] ?? null,
      stage: annotations[ANNOTATIONS.stage] ?? labels[LABELS.stage] ?? null,
      status: jobStatus(j, podsByJob.get(name) ?? []),
      gpus: (j.spec?.template?.spec?.containers ?? []).reduce((sum, c) => sum + quantity(c.resources?.limits?.[GPU_RESOURCE] ?? c.resources?.requests?.[GPU_RESOURCE]), 0),
      failure: describeJobFailure(j, podsByJob.get(name) ?? []),
      createdAt: str(j.metadata?.creationTimestamp),
      startTime: str(j.status?.startTime),
      completionTime: str(j.status?.completionTime ?? j.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True')?.lastTransitionTime),
    };
  });

  const eventRows: ClusterEventRow[] = events
    .map((e) => ({
      type: e.type ?? 'Normal',
      reason: e.reason ?? '',
      message: e.message ?? '',
      objectKind: e.involvedObject?.kind ?? null,
      objectName: e.involvedObject?.name ?? null,
      count: e.count ?? e.series?.count ?? 1,
      lastTimestamp: str(e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.metadata?.creationTimestamp),
    }))
    .sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''))
    .slice(0, RECENT_EVENTS);

  return {
    nodes: nodeRows,
    totals: {
      gpus: nodeRows.reduce((sum, n) => sum + n.gpuAllocatable, 0),
      gpusInUse: nodeRows.reduce((sum, n) => sum + n.gpuInUse, 0),
      pendingForGpu: podRows.filter((p) => p.failure?.code === 'waiting_for_gpu').length,
    },
    jobs: jobRows,
    pods: podRows,
    events: eventRows,
  };
}

function terminated(p: IPod): boolean {
  return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}

/** GPUs one pod holds: the sum of its containers' nvidia.com/gpu limits (requests must equal limits). */
function podGpus(p: IPod): number {
  return (p.spec?.containers ?? []).reduce((sum, c) => sum + quantity(c.resources?.limits?.[GPU_RESOURCE] ?? c.resources?.requests?.[GPU_RESOURCE]), 0);
}

/** Extended resources such as nvidia.com/gpu are whole numbers ("4"); anything unreadable counts 0. */
function quantity(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

function str(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  return value instanceof Date ? value.toISOString() : String(value);
}

function newestFirst<T extends { metadata?: { creationTimestamp?: unknown; name?: string } }>(items: T[]): T[] {
  const t = (x: T) => str(x.metadata?.creationTimestamp) ?? '';
  return [...items].sort((a, b) => t(b).localeCompare(t(a)) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

/** Succeeded or Failed from the Job's conditions; Running once one of its pods runs; Pending before (e.g. waiting for a GPU). */
function jobStatus(j: IJob, pods: IPod[]): ClusterJobSummary['status'] {
  const conditions = j.status?.conditions ?? [];
  if (conditions.some((c) => (c.type === 'Complete' || c.type === 'SuccessCriteriaMet') && c.status === 'True')) return 'Succeeded';
  if (conditions.some((c) => (c.type === 'Failed' || c.type === 'FailureTarget') && c.status === 'True')) return 'Failed';
  if ((j.status?.ready ?? 0) > 0 || pods.some((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp)) return 'Running';
  return 'Pending';
}

/** The one word that says why a pod is not simply running: a container's waiting/terminated reason, or Unschedulable. */
function podReason(p: IPod): string | null {
  if (p.status?.reason) return p.status.reason;
  for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
    const reason = s.state?.waiting?.reason ?? s.state?.terminated?.reason;
    if (reason && reason !== 'Completed') return reason;
    if (s.state?.terminated?.reason === 'Completed' && p.status?.phase !== 'Succeeded') return 'Completed';
  }
  const scheduled = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason) return scheduled.reason;
  return null;
}

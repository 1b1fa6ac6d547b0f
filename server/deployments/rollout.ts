import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { ANNOTATIONS, LABELS } from '@/server/cluster';

/** Pure reading of a Deployment, its ReplicaSets and pods: what is served, what is rolling out. */

export interface VersionReplicas {
  version: string;
  revision: number;
  replicas: number;
  ready: number;
}

export interface RolloutView {
  desired: number;
  current: number;
  updated: number;
  ready: number;
  available: number;
  /** Whether a rollout (or a scale) is still moving: not every replica is updated, ready and alone. */
  inProgress: boolean;
  /** Share of desired replicas that run the newest template and are ready (1 when done). */
  progress: number;
  /** The version of the newest ReplicaSet while it is still rolling out, else null. */
  rollingOut: string | null;
  /** The version answering most traffic now (ready replicas), null when nothing is ready. */
  serving: string | null;
  versions: VersionReplicas[];
  restarts: number;
  crashLooping: number;
  conditions: Array<{ type: string; status: string; reason: string | null; message: string | null }>;
}

const revisionOf = (rs: IReplicaSet) => Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
const versionOf = (o: { metadata?: { annotations?: Record<string, string>; labels?: Record<string, string> } } | undefined) =>
  o?.metadata?.annotations?.[ANNOTATIONS.modelVersion] ?? o?.metadata?.labels?.[LABELS.modelVersion] ?? 'unknown';

export function podRestarts(pods: readonly IPod[]): { restarts: number; crashLooping: number } {
  let restarts = 0;
  let crashLooping = 0;
  for (const p of pods) {
    for (const c of p.status?.containerStatuses ?? []) {
      restarts += c.restartCount ?? 0;
      if (c.state?.waiting?.reason === 'CrashLoopBackOff' || (c.restartCount ?? 0) > 0 && !c.ready) crashLooping += 1;
    }
  }
  return { restarts, crashLooping };
}

export function readRollout(deployment: IDeployment | null, replicaSets: readonly IReplicaSet[], pods: readonly IPod[]): RolloutView {
  const uid = deployment?.metadata?.uid;
  const owned = replicaSets
    .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === uid))
    .sort((a, b) => revisionOf(b) - revisionOf(a));
  const newest = owned[0];
  const versions = owned
    .filter((rs) => (rs.status?.replicas ?? 0) > 0 || (rs.spec?.replicas ?? 0) > 0)
    .map((rs) => ({ version: versionOf(rs.spec?.template), revision: revisionOf(rs), replicas: rs.status?.replicas ?? 0, ready: rs.status?.readyReplicas ?? 0 }));
  const desired = deployment?.spec?.replicas ?? 0;
  const s = deployment?.status ?? {};
  const current = s.replicas ?? 0;
  const updated = s.updatedReplicas ?? 0;
  const ready = s.readyReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const newestReady = newest?.status?.readyReplicas ?? 0;
  const stale = (deployment?.status?.observedGeneration ?? 0) < (deployment?.metadata?.generation ?? 0);
  // What the Deployment asks for now; until the controller has seen a new template, the newest ReplicaSet is still the old one.
  const target = deployment?.spec?.template ? versionOf(deployment.spec.template) : null;
  const newestIsTarget = !stale || (!!newest && versionOf(newest.spec?.template) === target);
  const inProgress = !!deployment && (stale || updated < desired || current > updated || newestReady < desired);
  // While rolling out, the older ReplicaSets serve (the newest may not have any replica yet, so compare revisions).
  const newestRevision = newest ? revisionOf(newest) : -1;
  const olderServing = versions.filter((v) => v.revision !== newestRevision || !inProgress).sort((a, b) => b.ready - a.ready)[0];
  const serving = inProgress ? (olderServing?.ready ? olderServing.version : newestReady > 0 ? versionOf(newest?.spec?.template) : null) : ready > 0 ? versionOf(newest?.spec?.template) : null;
  const { restarts, crashLooping } = podRestarts(pods);
  return {
    desired,
    current,
    updated,
    ready,
    available,
    inProgress,
    progress: desired === 0 ? 1 : newestIsTarget ? Math.min(1, Math.min(updated, newestReady) / desired) : 0,
    rollingOut: inProgress ? (target ?? (newest ? versionOf(newest.spec?.template) : null)) : null,
    serving,
    versions,
    restarts,
    crashLooping,
    conditions: (s.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason ?? null, message: c.message ?? null })),
  };
}

import type { DeploymentSpec } from '@/db/schema/deployments';
import {
  type ApplicableObject,
  buildModelServerManifests,
  type Cluster,
  ClusterUnavailableError,
  GPU_RESOURCE,
  type KindRef,
  Kinds,
  type KubeObject,
  LABELS,
  MANAGED_BY,
  type ModelServerManifests,
  modelServerObjects,
  toYaml,
} from '@/server/cluster';
import { BadGatewayError, DomainError, ValidationError } from '@/server/errors';
import { logger } from '@/server/logger';

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

export interface DeploymentTarget {
  familySlug: string;
  environment: string;
  name: string;
  namespace: string;
}

/** Where vLLM loads the weights from: the version's artifact, else `<slug>/<version>` under /models. */
export function modelPathOf(familySlug: string, version: string, artifactUri?: string | null): string {
  return artifactUri ?? `/models/${familySlug}/${version}`;
}

/** The five objects of a deployment (HPA only with autoscaling), from its stored spec. */
export function buildManifests(target: DeploymentTarget, spec: DeploymentSpec): ModelServerManifests {
  const m = buildModelServerManifests({
    namespace: target.namespace,
    name: target.name,
    family: target.familySlug,
    environment: target.environment,
    version: spec.version,
    modelPath: spec.modelPath,
    image: spec.image ?? undefined,
    extraArgs: spec.args,
    replicas: spec.replicas,
    resources: spec.resources,
    autoscaling: spec.autoscaling ?? undefined,
    alerts: spec.alerts,
    env: spec.env,
    // Short probe periods: the simulator and small models are ready in seconds.
    probes: { periodSeconds: 5 },
  });
  const template = m.deployment.spec!.template;
  if (spec.autoscaling) {
    // The HPA owns the count from here, but it starts where the request (or the last scale) said.
    m.deployment.spec!.replicas = spec.replicas;
  }
  if (spec.restartedAt) {
    template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, [RESTARTED_AT]: spec.restartedAt } };
  }
  return m;
}

/** The manifests as one YAML stream, in apply order. */
export function manifestsYaml(m: ModelServerManifests): string {
  return toYaml(modelServerObjects(m));
}

/** Every kind a deployment may create, for removal and for "nothing left behind" checks. */
export const DEPLOYMENT_KINDS = [Kinds.HorizontalPodAutoscaler, Kinds.ServiceMonitor, Kinds.PrometheusRule, Kinds.Service, Kinds.Deployment] as const;

interface Slot {
  kind: KindRef<unknown>;
  pick: (m: ModelServerManifests) => ApplicableObject | null;
}

/**
 * Apply order: the objects that start nothing first, so that a refused one (a monitoring CRD that is
 * not installed, say) fails before any pod rolls; the HPA after the Deployment it scales.
 */
const SLOTS: readonly Slot[] = [
  { kind: Kinds.Service, pick: (m) => m.service },
  { kind: Kinds.ServiceMonitor, pick: (m) => m.serviceMonitor },
  { kind: Kinds.PrometheusRule, pick: (m) => m.prometheusRule },
  { kind: Kinds.Deployment, pick: (m) => m.deployment },
  { kind: Kinds.HorizontalPodAutoscaler, pick: (m) => m.hpa },
];

/** Whether a cluster object is one of this deployment's (our labels), not merely one with its name. */
export function isOurs(obj: { metadata?: { labels?: Record<string, string> } } | null | undefined, name: string): boolean {
  const labels = obj?.metadata?.labels ?? {};
  return labels[LABELS.managedBy] === MANAGED_BY && labels[LABELS.instance] === name;
}

/** An object read back, reduced to what an apply sends (no status, no server-owned metadata). */
function asApplied(obj: KubeObject): ApplicableObject {
  const { apiVersion, kind, metadata, ...rest } = obj;
  delete rest.status;
  return { apiVersion, kind, metadata: { name: metadata?.name, namespace: metadata?.namespace, labels: metadata?.labels, annotations: metadata?.annotations }, ...rest } as ApplicableObject;
}

export interface ApplyOptions {
  /**
   * The manifests the deployment ran before this change (its stored spec): what a failed apply puts
   * back. Without them, objects that existed are put back as they were read before the apply.
   */
  previous?: ModelServerManifests | null;
}

/**
 * Makes the cluster match the manifests (server-side apply, idempotent): applies every object present,
 * and deletes the deployment's own optional objects the manifests no longer have (the HPA once
 * autoscaling is off), so nothing stale keeps acting on the Deployment.
 *
 * All or nothing: when a step fails, the objects this call created are deleted and those it changed
 * or deleted are put back (from `previous`), and the error says so. A refusal by the cluster stays
 * the 4xx it is; an unreachable or failing cluster becomes a 502 (details in the server log).
 */
export async function applyManifests(cluster: Cluster, m: ModelServerManifests, options: ApplyOptions = {}): Promise<void> {
  const { name, namespace } = m.deployment.metadata as { name: string; namespace?: string };
  let before: Array<KubeObject | null>;
  try {
    before = await Promise.all(SLOTS.map((slot) => cluster.client.find(slot.kind, name, namespace) as Promise<KubeObject | null>));
  } catch (error) {
    throw applyFailure(error, `read the objects of ${name}`, true);
  }
  const touched: number[] = [];
  const plan = [
    // Deletions first: a stale HPA must not scale the Deployment this apply sizes.
    ...SLOTS.map((slot, i) => ({ i, object: slot.pick(m) })).filter(({ i, object }) => !object && isOurs(before[i], name)),
    ...SLOTS.map((slot, i) => ({ i, object: slot.pick(m) })).filter(({ object }) => !!object),
  ];
  for (const { i, object } of plan) {
    touched.push(i);
    try {
      if (object) await cluster.client.apply(object as never);
      else await cluster.client.delete(SLOTS[i].kind, name, { propagationPolicy: 'Background' }, namespace);
    } catch (error) {
      const restored = await restore(cluster, { name, namespace }, touched, before, options.previous ?? null);
      throw applyFailure(error, `${object ? 'apply' : 'delete'} ${SLOTS[i].kind.kind} ${name}`, restored);
    }
  }
}

/** Undoes the touched slots, last first: deletes what did not exist, re-applies what did. True when all of it worked. */
async function restore(cluster: Cluster, at: { name: string; namespace?: string }, touched: number[], before: Array<KubeObject | null>, previous: ModelServerManifests | null): Promise<boolean> {
  let ok = true;
  for (const i of [...touched].reverse()) {
    const slot = SLOTS[i];
    try {
      const prior = before[i];
      if (!prior) await cluster.client.delete(slot.kind, at.name, { propagationPolicy: 'Background' }, at.namespace);
      else await cluster.client.apply((previous && slot.pick(previous)) ?? asApplied(prior));
    } catch (error) {
      ok = false;
      logger.error({ err: error, kind: slot.kind.kind, name: at.name, namespace: at.namespace }, 'could not restore a deployment object after a failed apply');
    }
  }
  return ok;
}

/** The error of a failed apply, saying what failed and what state the deployment is left in. */
function applyFailure(error: unknown, what: string, restored: boolean): Error {
  const after = restored
    ? 'nothing was changed (objects already applied were put back)'
    : 'putting the objects already applied back failed too (see the server log), so the cluster may hold part of this change';
  if (error instanceof DomainError) {
    // Keeps the cluster's status, code and message (a 4xx stays a 4xx), with what it means here.
    error.message = `The cluster refused to ${what}: ${error.message}; ${after}`;
    return error;
  }
  logger.error({ err: error, what, restored }, 'deployment apply failed');
  if (error instanceof ClusterUnavailableError) {
    return new BadGatewayError(`The cluster could not ${what}${error.httpStatus ? ` (it answered HTTP ${error.httpStatus})` : ' (it could not be reached)'}; ${after}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Deletes the deployment's objects by name, only those carrying its labels (dependents — ReplicaSets, pods — go with the Deployment). */
export async function deleteManifests(cluster: Cluster, target: DeploymentTarget): Promise<void> {
  for (const kind of DEPLOYMENT_KINDS) {
    const found = await cluster.client.find(kind as KindRef<unknown>, target.name, target.namespace);
    if (isOurs(found as KubeObject | null, target.name)) await cluster.client.delete(kind, target.name, { propagationPolicy: 'Background' }, target.namespace);
  }
}

/** A GPU request no node can satisfy would queue forever: refuse it up front. */
export async function assertGpuFits(cluster: Cluster, gpu: number): Promise<void> {
  if (gpu === 0) return;
  const { items } = await cluster.client.list(Kinds.Node);
  const largest = Math.max(0, ...items.map((n) => Number(n.status?.allocatable?.[GPU_RESOURCE] ?? n.status?.capacity?.[GPU_RESOURCE] ?? 0)));
  if (gpu > largest) {
    throw new ValidationError(`resources.gpu: ${gpu} GPUs is more than any node has (the largest has ${largest})`, 'resources.gpu');
  }
}

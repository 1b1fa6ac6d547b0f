import type { DeploymentSpec } from '@/db/schema/deployments';
import {
  buildModelServerManifests,
  type Cluster,
  GPU_RESOURCE,
  Kinds,
  type ModelServerManifests,
  modelServerObjects,
  toYaml,
} from '@/server/cluster';
import { ValidationError } from '@/server/errors';

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

/** Applies every object (server-side apply, idempotent). */
export async function applyManifests(cluster: Cluster, m: ModelServerManifests): Promise<void> {
  for (const obj of modelServerObjects(m)) await cluster.client.apply(obj as never);
}

/** Every kind a deployment may create, for removal and for "nothing left behind" checks. */
export const DEPLOYMENT_KINDS = [Kinds.HorizontalPodAutoscaler, Kinds.ServiceMonitor, Kinds.PrometheusRule, Kinds.Service, Kinds.Deployment] as const;

/** Deletes the deployment's objects by name (dependents — ReplicaSets, pods — go with the Deployment). */
export async function deleteManifests(cluster: Cluster, target: DeploymentTarget): Promise<void> {
  for (const kind of DEPLOYMENT_KINDS) await cluster.client.delete(kind, target.name, { propagationPolicy: 'Background' }, target.namespace);
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

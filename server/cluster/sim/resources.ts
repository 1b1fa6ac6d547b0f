import type { NameRule } from './util/names';

/** One served resource type, as discovery describes it and the store keys it. */
export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, lower case: the URL segment. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Has a `/status` subresource: the main resource ignores status writes and vice versa. */
  status: boolean;
  /** Has a `/scale` subresource (autoscaling/v1 Scale on spec.replicas). */
  scale?: boolean;
  nameRule: NameRule;
  /** What DELETE does to dependents when the request names no propagationPolicy. */
  defaultPropagation: PropagationPolicy;
}

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

const core = (resource: string, singular: string, kind: string, more: Partial<ResourceType> = {}): ResourceType => ({
  group: '', version: 'v1', resource, singular, kind, namespaced: true, status: false, nameRule: 'subdomain', defaultPropagation: 'Background', ...more,
});

/** Everything the simulator serves. Order is the discovery order. */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  core('namespaces', 'namespace', 'Namespace', { namespaced: false, shortNames: ['ns'], status: true, nameRule: 'label' }),
  core('nodes', 'node', 'Node', { namespaced: false, shortNames: ['no'], status: true }),
  core('pods', 'pod', 'Pod', { shortNames: ['po'], categories: ['all'], status: true }),
  core('events', 'event', 'Event', { shortNames: ['ev'] }),
  core('secrets', 'secret', 'Secret'),
  core('services', 'service', 'Service', { shortNames: ['svc'], categories: ['all'], status: true, nameRule: 'dns1035' }),
  core('configmaps', 'configmap', 'ConfigMap', { shortNames: ['cm'] }),
  core('persistentvolumeclaims', 'persistentvolumeclaim', 'PersistentVolumeClaim', { shortNames: ['pvc'], status: true }),
  { group: 'apps', version: 'v1', resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], status: true, scale: true, nameRule: 'subdomain', defaultPropagation: 'Background' },
  { group: 'apps', version: 'v1', resource: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ['all'], status: true, scale: true, nameRule: 'subdomain', defaultPropagation: 'Background' },
  // batch/v1 Jobs keep the legacy default: deleting a Job without a policy orphans its pods.
  { group: 'batch', version: 'v1', resource: 'jobs', singular: 'job', kind: 'Job', namespaced: true, categories: ['all'], status: true, nameRule: 'subdomain-label-length', defaultPropagation: 'Orphan' },
  { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', kind: 'HorizontalPodAutoscaler', namespaced: true, shortNames: ['hpa'], categories: ['all'], status: true, nameRule: 'subdomain', defaultPropagation: 'Background' },
  { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses', singular: 'priorityclass', kind: 'PriorityClass', namespaced: false, shortNames: ['pc'], status: false, nameRule: 'subdomain', defaultPropagation: 'Background' },
  { group: 'monitoring.coreos.com', version: 'v1', resource: 'servicemonitors', singular: 'servicemonitor', kind: 'ServiceMonitor', namespaced: true, shortNames: ['smon'], categories: ['prometheus-operator'], status: false, nameRule: 'subdomain', defaultPropagation: 'Background' },
  { group: 'monitoring.coreos.com', version: 'v1', resource: 'prometheusrules', singular: 'prometheusrule', kind: 'PrometheusRule', namespaced: true, shortNames: ['promrule'], categories: ['prometheus-operator'], status: false, nameRule: 'subdomain', defaultPropagation: 'Background' },
];

/** The store's key for a type: "pods", "deployments.apps", "jobs.batch" (kubectl's spelling). */
export type TypeKey = string;

export function typeKey(type: Pick<ResourceType, 'group' | 'resource'>): TypeKey {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}

export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

const BY_KEY = new Map(RESOURCE_TYPES.map((t) => [typeKey(t), t]));
const BY_KIND = new Map(RESOURCE_TYPES.map((t) => [`${apiVersionOf(t)}/${t.kind}`, t]));

export function resourceType(key: TypeKey): ResourceType {
  const type = BY_KEY.get(key);
  if (!type) throw new Error(`unknown resource type ${key}`);
  return type;
}

export function findResourceType(group: string, version: string, resource: string): ResourceType | undefined {
  const type = BY_KEY.get(group ? `${resource}.${group}` : resource);
  return type && type.version === version ? type : undefined;
}

export function resourceTypeForKind(apiVersion: string, kind: string): ResourceType | undefined {
  return BY_KIND.get(`${apiVersion}/${kind}`);
}

/** Well-known keys, so controllers do not spell them by hand. */
export const T = {
  namespaces: 'namespaces',
  nodes: 'nodes',
  pods: 'pods',
  events: 'events',
  secrets: 'secrets',
  services: 'services',
  configmaps: 'configmaps',
  pvcs: 'persistentvolumeclaims',
  deployments: 'deployments.apps',
  replicasets: 'replicasets.apps',
  jobs: 'jobs.batch',
  hpas: 'horizontalpodautoscalers.autoscaling',
  priorityclasses: 'priorityclasses.scheduling.k8s.io',
  servicemonitors: 'servicemonitors.monitoring.coreos.com',
  prometheusrules: 'prometheusrules.monitoring.coreos.com',
} as const satisfies Record<string, TypeKey>;

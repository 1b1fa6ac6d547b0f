import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IEvent } from 'kubernetes-models/v1/Event';
import type { INode } from 'kubernetes-models/v1/Node';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPriorityClass } from 'kubernetes-models/scheduling.k8s.io/v1/PriorityClass';
import type { PrometheusRule, ServiceMonitor } from './manifests/monitoring';

/** Metadata as the API server returns it (all optional: an object being built has none of the server's fields). */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }>;
  [key: string]: unknown;
}

/** Any Kubernetes object, as plain JSON (timestamps are strings, as on the wire). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
}

/** Identifies a kind on the cluster; `T` is the type its objects have. */
export interface KindRef<T = KubeObject> {
  apiVersion: string;
  kind: string;
  /** Phantom: carries T so `get(Kinds.Job, …)` returns an IJob. */
  readonly __type?: T;
}

function kind<T>(apiVersion: string, k: string): KindRef<T> {
  return { apiVersion, kind: k };
}

/** Every kind the cluster layer uses. */
export const Kinds = {
  Namespace: kind<INamespace>('v1', 'Namespace'),
  Node: kind<INode>('v1', 'Node'),
  Pod: kind<IPod>('v1', 'Pod'),
  Event: kind<IEvent>('v1', 'Event'),
  Secret: kind<ISecret>('v1', 'Secret'),
  Service: kind<IService>('v1', 'Service'),
  Job: kind<IJob>('batch/v1', 'Job'),
  Deployment: kind<IDeployment>('apps/v1', 'Deployment'),
  ReplicaSet: kind<IReplicaSet>('apps/v1', 'ReplicaSet'),
  HorizontalPodAutoscaler: kind<IHorizontalPodAutoscaler>('autoscaling/v2', 'HorizontalPodAutoscaler'),
  PriorityClass: kind<IPriorityClass>('scheduling.k8s.io/v1', 'PriorityClass'),
  ServiceMonitor: kind<ServiceMonitor>('monitoring.coreos.com/v1', 'ServiceMonitor'),
  PrometheusRule: kind<PrometheusRule>('monitoring.coreos.com/v1', 'PrometheusRule'),
} as const;

/** The kind of an object, for `get`/`delete` given the object itself. */
export function kindOf(obj: { apiVersion?: string; kind?: string }): KindRef {
  if (!obj.apiVersion || !obj.kind) throw new Error('object has no apiVersion or kind');
  return { apiVersion: obj.apiVersion, kind: obj.kind };
}

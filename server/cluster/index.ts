/**
 * The cluster layer: the only code that talks to Kubernetes. Services use `getCluster()` for the client
 * and the cluster's identity, the manifest builders for what to apply, and `describe*Failure` for what
 * went wrong in words.
 */
export { getCluster, closeCluster, connectCluster, resolveClusterTarget, SIMULATED_LABEL } from './config';
export type { Cluster, ClusterIdentity, ClusterTarget } from './config';
export { ClusterClient, FIELD_MANAGER } from './client';
export type { ApplicableObject, ClusterEventSummary, DeleteOptions, ListOptions, ListResult, LogOptions, LogStream } from './client';
export type { WatchEvent, WatchHandle, WatchOptions } from './watch';
export { Kinds, kindOf } from './kinds';
export type { KindRef, KubeObject, ObjectMeta } from './kinds';
export * from './errors';
export { describeJobFailure, describePodFailure, jobFinished, jobHasCondition } from './failures';
export { ensureTrainingPriorityClasses } from './ensure-priority-classes';
export { compareQueueOrder, queueKeyOf, type QueueKey } from './scheduling-order';
export type { Failure, FailureCode } from './failures';
export * from './manifests/names';
export * from './manifests/labels';
export * from './manifests/training-job';
export * from './manifests/priority-classes';
export * from './manifests/model-server';
export * from './manifests/monitoring';
export { toYaml } from './manifests/to-yaml';
// The Cluster page's read side. (The simulator settings service writes audit rows, so it lives outside
// this index: server/cluster/overview/simulator-settings.ts, used by ./router.ts and ./rest.ts.)
export { getClusterOverview, summarise as summariseCluster } from './overview/get-overview';
export { describeCluster } from './overview/describe-cluster';
export * from './overview/schemas';

import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IEvent } from 'kubernetes-models/v1/Event';
import type { INode } from 'kubernetes-models/v1/Node';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IService } from 'kubernetes-models/v1/Service';
import type { KObject } from '../store/types';
import { ageOf, humanDuration } from '../util/time';

/** Server-side printing columns, as `kubectl get` shows them for each kind. */
export interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  description: string;
  priority: number;
  cell: (obj: KObject, now: number) => string | number;
}

const col = (name: string, cell: Column['cell'], more: Partial<Column> = {}): Column => ({ name, type: 'string', description: name, priority: 0, cell, ...more });
const NAME = col('Name', (o) => o.metadata.name, { format: 'name', description: 'Name must be unique within a namespace.' });
const AGE = col('Age', (o, now) => ageOf(o.metadata.creationTimestamp, now), { description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' });
const as = <T>(o: KObject) => o as unknown as T;

/** kubectl's pod STATUS column: the most telling container reason, else the phase. */
export function podStatusReason(pod: IPod): string {
  let reason = pod.status?.reason ?? pod.status?.phase ?? 'Unknown';
  for (const cs of pod.status?.containerStatuses ?? []) {
    if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state?.terminated?.reason) reason = cs.state.terminated.reason;
    else if (cs.state?.terminated) reason = `ExitCode:${cs.state.terminated.exitCode}`;
  }
  if (pod.metadata?.deletionTimestamp) reason = 'Terminating';
  return reason;
}

function jobStatus(job: IJob): string {
  const has = (type: string) => job.status?.conditions?.some((c) => c.type === type && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (job.spec?.suspend) return 'Suspended';
  return 'Running';
}

function jobDuration(job: IJob, now: number): string {
  if (!job.status?.startTime) return '';
  const end = job.status.completionTime ? Date.parse(job.status.completionTime) : now;
  return humanDuration(end - Date.parse(job.status.startTime));
}

function servicePorts(svc: IService): string {
  const ports = svc.spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function hpaTargets(hpa: IHorizontalPodAutoscaler): string {
  const current = hpa.status?.currentMetrics ?? [];
  const parts = (hpa.spec?.metrics ?? []).map((m, i) => {
    if (m.type === 'Resource' && m.resource) {
      const cur = current[i]?.resource?.current?.averageUtilization;
      return `${m.resource.name}: ${cur ?? '<unknown>'}${cur !== undefined ? '%' : ''}/${m.resource.target.averageUtilization ?? m.resource.target.averageValue}%`;
    }
    if (m.type === 'Pods' && m.pods) return `${current[i]?.pods?.current?.averageValue ?? '<unknown>'}/${m.pods.target.averageValue}`;
    return '<unknown>';
  });
  return parts.join(', ') || '<none>';
}

const ACCESS: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };

export const COLUMNS: Record<string, Column[]> = {
  Pod: [
    NAME,
    col('Ready', (o) => {
      const statuses = as<IPod>(o).status?.containerStatuses ?? [];
      return `${statuses.filter((c) => c.ready).length}/${as<IPod>(o).spec?.containers?.length ?? 0}`;
    }, { description: 'The aggregate readiness state of this pod for accepting traffic.' }),
    col('Status', (o) => podStatusReason(as<IPod>(o)), { description: 'The aggregate status of the containers in this pod.' }),
    col('Restarts', (o) => (as<IPod>(o).status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0), { type: 'string', description: 'The number of times the containers in this pod have been restarted.' }),
    AGE,
    col('IP', (o) => as<IPod>(o).status?.podIP ?? '<none>', { priority: 1, description: 'IP address allocated to the pod.' }),
    col('Node', (o) => as<IPod>(o).spec?.nodeName ?? '<none>', { priority: 1, description: 'Name of the node assigned to the pod.' }),
  ],
  Node: [
    NAME,
    col('Status', (o) => (as<INode>(o).status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : 'NotReady'), { description: 'The status of the node' }),
    col('Roles', () => '<none>', { description: 'The roles of the node' }),
    AGE,
    col('Version', (o) => as<INode>(o).status?.nodeInfo?.kubeletVersion ?? '', { description: 'Kubelet Version reported by the node.' }),
  ],
  Namespace: [NAME, col('Status', (o) => String((o.status as { phase?: string } | undefined)?.phase ?? 'Active'), { description: 'The status of the namespace' }), AGE],
  Job: [
    NAME,
    col('Status', (o) => jobStatus(as<IJob>(o)), { description: 'Status of the job.' }),
    col('Completions', (o) => `${as<IJob>(o).status?.succeeded ?? 0}/${as<IJob>(o).spec?.completions ?? 1}`, { description: 'The completion status of the job.' }),
    col('Duration', (o, now) => jobDuration(as<IJob>(o), now), { description: 'Time required to complete the job.' }),
    AGE,
  ],
  Deployment: [
    NAME,
    col('Ready', (o) => `${as<IDeployment>(o).status?.readyReplicas ?? 0}/${as<IDeployment>(o).spec?.replicas ?? 1}`, { description: 'Number of the pod with ready state' }),
    col('Up-to-date', (o) => as<IDeployment>(o).status?.updatedReplicas ?? 0, { type: 'integer', description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.' }),
    col('Available', (o) => as<IDeployment>(o).status?.availableReplicas ?? 0, { type: 'integer', description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.' }),
    AGE,
  ],
  ReplicaSet: [
    NAME,
    col('Desired', (o) => as<IReplicaSet>(o).spec?.replicas ?? 1, { type: 'integer', description: 'Number of desired pods.' }),
    col('Current', (o) => as<IReplicaSet>(o).status?.replicas ?? 0, { type: 'integer', description: 'Number of actual replicas.' }),
    col('Ready', (o) => as<IReplicaSet>(o).status?.readyReplicas ?? 0, { type: 'integer', description: 'Number of ready replicas.' }),
    AGE,
  ],
  Service: [
    NAME,
    col('Type', (o) => as<IService>(o).spec?.type ?? 'ClusterIP', { description: 'The type of the service.' }),
    col('Cluster-IP', (o) => as<IService>(o).spec?.clusterIP ?? '<none>', { description: 'The IP address of the service.' }),
    col('External-IP', () => '<none>', { description: 'The external IP address of the service.' }),
    col('Port(s)', (o) => servicePorts(as<IService>(o)), { description: 'The ports of the service.' }),
    AGE,
  ],
  Event: [
    col('Last Seen', (o, now) => ageOf((as<IEvent>(o).lastTimestamp ?? o.metadata.creationTimestamp) as string, now), { description: 'Time when the most recent occurrence of this event was recorded.' }),
    col('Type', (o) => as<IEvent>(o).type ?? '', { description: 'Type of this event.' }),
    col('Reason', (o) => as<IEvent>(o).reason ?? '', { description: 'Short, machine understandable string that gives the reason for the transition.' }),
    col('Object', (o) => `${(as<IEvent>(o).involvedObject.kind ?? '').toLowerCase()}/${as<IEvent>(o).involvedObject.name ?? ''}`, { description: 'The object this event is about.' }),
    col('Message', (o) => as<IEvent>(o).message ?? '', { description: 'A human-readable description of the status of this operation.' }),
  ],
  Secret: [NAME, col('Type', (o) => String(o.type ?? 'Opaque'), { description: 'The type of the secret' }), col('Data', (o) => Object.keys((o.data as object) ?? {}).length, { type: 'integer', description: 'The number of entries in the secret' }), AGE],
  ConfigMap: [NAME, col('Data', (o) => Object.keys((o.data as object) ?? {}).length + Object.keys((o.binaryData as object) ?? {}).length, { type: 'integer', description: 'Number of data in the configmap' }), AGE],
  PersistentVolumeClaim: [
    NAME,
    col('Status', (o) => as<IPersistentVolumeClaim>(o).status?.phase ?? 'Pending', { description: 'The status of the claim' }),
    col('Volume', (o) => as<IPersistentVolumeClaim>(o).spec?.volumeName ?? '', { description: 'The bound volume' }),
    col('Capacity', (o) => String(as<IPersistentVolumeClaim>(o).status?.capacity?.storage ?? ''), { description: 'The capacity of the claim' }),
    col('Access Modes', (o) => (as<IPersistentVolumeClaim>(o).spec?.accessModes ?? []).map((m) => ACCESS[m] ?? m).join(','), { description: 'Access modes' }),
    col('StorageClass', (o) => as<IPersistentVolumeClaim>(o).spec?.storageClassName ?? '<unset>', { description: 'The storage class' }),
    AGE,
  ],
  PriorityClass: [
    NAME,
    col('Value', (o) => Number(o.value ?? 0), { type: 'integer', description: 'The value of this priority class.' }),
    col('Global-Default', (o) => String(o.globalDefault ?? false), { description: 'Whether this is the default priority class.' }),
    AGE,
    col('PreemptionPolicy', (o) => String(o.preemptionPolicy ?? 'PreemptLowerPriority'), { description: 'The preemption policy of this priority class.' }),
  ],
  HorizontalPodAutoscaler: [
    NAME,
    col('Reference', (o) => `${as<IHorizontalPodAutoscaler>(o).spec?.scaleTargetRef.kind}/${as<IHorizontalPodAutoscaler>(o).spec?.scaleTargetRef.name}`, { description: 'The scale target' }),
    col('Targets', (o) => hpaTargets(as<IHorizontalPodAutoscaler>(o)), { description: 'Current and target metrics' }),
    col('MinPods', (o) => as<IHorizontalPodAutoscaler>(o).spec?.minReplicas ?? 1, { type: 'string', description: 'Lower limit' }),
    col('MaxPods', (o) => as<IHorizontalPodAutoscaler>(o).spec?.maxReplicas ?? 0, { type: 'integer', description: 'Upper limit' }),
    col('Replicas', (o) => as<IHorizontalPodAutoscaler>(o).status?.currentReplicas ?? 0, { type: 'integer', description: 'Current replicas' }),
    AGE,
  ],
};

export const DEFAULT_COLUMNS: Column[] = [NAME, AGE];

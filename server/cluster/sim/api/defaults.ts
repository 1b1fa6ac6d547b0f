import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import type { KObject } from '../store/types';

/** Pod spec defaults the API server fills in (containers' requests default to their limits). */
export function defaultPodSpec(spec: IPodSpec | undefined): void {
  if (!spec) return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.serviceAccountName ??= 'default';
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if (typeof c.image === 'string') {
      const tag = c.image.includes('@') ? 'digest' : c.image.split('/').pop()!.split(':')[1];
      c.imagePullPolicy ??= !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
    }
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
    if (c.resources.limits) c.resources.requests = { ...c.resources.limits, ...c.resources.requests };
    for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  }
}

function nextClusterIp(used: Set<string>): string {
  for (let i = 1; i < 65_000; i++) {
    const ip = `10.96.${Math.floor(i / 254)}.${(i % 254) + 1}`;
    if (!used.has(ip)) return ip;
  }
  throw new Error('service IP range exhausted');
}

export interface DefaultContext {
  /** The new object's uid (Jobs put it in their selector). */
  uid: string;
  /** Cluster IPs already taken. */
  clusterIps: () => Set<string>;
  /** The stored object, on update. */
  existing?: KObject;
}

/**
 * Defaulting as the API server does it on create and update. On create the system-owned status is
 * also initialised (Pending pods, Active namespaces, Bound claims).
 */
export function applyDefaults(obj: KObject, ctx: DefaultContext): void {
  const creating = !ctx.existing;
  switch (obj.kind) {
    case 'Pod': {
      const pod = obj as unknown as IPod;
      defaultPodSpec(pod.spec);
      if (creating) pod.status = { phase: 'Pending', qosClass: qosClass(pod.spec) };
      break;
    }
    case 'Deployment': {
      const d = obj as unknown as IDeployment;
      if (!d.spec) break;
      d.spec.replicas ??= 1;
      d.spec.revisionHistoryLimit ??= 10;
      d.spec.progressDeadlineSeconds ??= 600;
      d.spec.strategy ??= { type: 'RollingUpdate' };
      d.spec.strategy.type ??= 'RollingUpdate';
      if (d.spec.strategy.type === 'RollingUpdate') d.spec.strategy.rollingUpdate = { maxSurge: '25%', maxUnavailable: '25%', ...d.spec.strategy.rollingUpdate };
      defaultPodSpec(d.spec.template?.spec);
      break;
    }
    case 'ReplicaSet': {
      const spec = (obj as unknown as IDeployment).spec;
      if (!spec) break;
      spec.replicas ??= 1;
      defaultPodSpec(spec.template?.spec);
      break;
    }
    case 'Job': {
      const job = obj as unknown as IJob;
      const spec = job.spec;
      if (!spec) break;
      spec.parallelism ??= 1;
      spec.completions ??= 1;
      spec.backoffLimit ??= 6;
      spec.completionMode ??= 'NonIndexed';
      spec.suspend ??= false;
      spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
      if (creating && !spec.manualSelector && !spec.selector) {
        spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': ctx.uid } };
        spec.template ??= {};
        spec.template.metadata ??= {};
        spec.template.metadata.labels = {
          ...spec.template.metadata.labels,
          'batch.kubernetes.io/controller-uid': ctx.uid,
          'batch.kubernetes.io/job-name': job.metadata!.name!,
          'controller-uid': ctx.uid,
          'job-name': job.metadata!.name!,
        };
      }
      defaultPodSpec(spec.template?.spec);
      break;
    }
    case 'Service': {
      const svc = obj as unknown as IService;
      svc.spec ??= {};
      const spec = svc.spec;
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      const old = (ctx.existing as unknown as IService | undefined)?.spec;
      if (old?.clusterIP && spec.clusterIP === undefined) spec.clusterIP = old.clusterIP;
      if (spec.type !== 'ExternalName' && !spec.clusterIP) spec.clusterIP = nextClusterIp(ctx.clusterIps());
      if (spec.clusterIP) spec.clusterIPs ??= [spec.clusterIP];
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      spec.internalTrafficPolicy ??= 'Cluster';
      for (const p of spec.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      if (creating) svc.status = { loadBalancer: {} };
      break;
    }
    case 'HorizontalPodAutoscaler': {
      const spec = (obj as unknown as IHorizontalPodAutoscaler).spec;
      if (!spec) break;
      spec.minReplicas ??= 1;
      spec.metrics ??= [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
      break;
    }
    case 'Secret': {
      const secret = obj as unknown as ISecret;
      secret.type ??= 'Opaque';
      if (secret.stringData) {
        secret.data = { ...secret.data };
        for (const [k, v] of Object.entries(secret.stringData)) secret.data[k] = Buffer.from(String(v)).toString('base64');
        delete secret.stringData;
      }
      break;
    }
    case 'Namespace': {
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name };
      obj.spec ??= { finalizers: ['kubernetes'] };
      if (creating) obj.status = { phase: 'Active' };
      break;
    }
    case 'PriorityClass':
      obj.preemptionPolicy ??= 'PreemptLowerPriority';
      break;
    case 'PersistentVolumeClaim': {
      const pvc = obj as unknown as IPersistentVolumeClaim;
      if (!pvc.spec) break;
      pvc.spec.volumeMode ??= 'Filesystem';
      pvc.spec.storageClassName ??= 'standard';
      if (creating) {
        pvc.spec.volumeName ??= `pvc-${ctx.uid}`;
        pvc.status = { phase: 'Bound', accessModes: pvc.spec.accessModes, capacity: { storage: pvc.spec.resources?.requests?.storage ?? '0' } };
      }
      break;
    }
  }
}

/** The pod's QoS class from its containers' requests and limits. */
export function qosClass(spec: IPodSpec | undefined): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const containers = spec?.containers ?? [];
  const any = containers.some((c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length);
  if (!any) return 'BestEffort';
  const guaranteed = containers.every((c) => ['cpu', 'memory'].every((r) => c.resources?.limits?.[r] !== undefined && String(c.resources?.limits?.[r]) === String(c.resources?.requests?.[r] ?? c.resources?.limits?.[r])));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

import type { INode } from 'kubernetes-models/v1/Node';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { compareQueueOrder, queueKeyOf } from '@/server/cluster/scheduling-order';
import { T } from '../resources';
import { matchesRequirements, type Requirement } from '../selectors/label-selector';
import type { Stored } from '../store/types';
import type { Controller, ControllerContext } from './context';
import { capacityOf, podRequests, type ResourceList } from './pod-resources';
import { isTerminal, podCondition, setCondition } from './pod-status';
import { WorkQueue } from './work-queue';

const COMPONENT = 'default-scheduler';

function nodeSelectorFits(pod: IPod, node: Stored<INode>): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms?.length) {
    return terms.some((t) => matchesRequirements(labels, (t.matchExpressions ?? []).map((e) => ({ key: e.key, operator: e.operator, values: e.values ?? [] }) as Requirement)));
  }
  return true;
}

function tolerates(pod: IPod, node: Stored<INode>): boolean {
  return (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute').every((taint) =>
    (pod.spec?.tolerations ?? []).some((tol) => (tol.operator === 'Exists' ? !tol.key || tol.key === taint.key : tol.key === taint.key && (tol.value ?? '') === (taint.value ?? '')) && (!tol.effect || tol.effect === taint.effect)));
}

/**
 * Binds Pending pods to nodes with enough free nvidia.com/gpu, CPU and memory (requests of the
 * pods already there). Pods are taken in kube-scheduler's queue order: highest `spec.priority` (from the
 * pod's PriorityClass) first, then oldest. A pod that fits nowhere stays Pending with
 * PodScheduled=False/Unschedulable and a FailedScheduling event, and is retried whenever a pod
 * finishes or a node changes — so GPU queueing is visible. As in kube-scheduler, a pod that does not fit
 * does not hold back smaller ones behind it. There is no preemption: a running pod is never evicted for
 * a pending one of higher priority.
 */
export function startScheduler(ctx: ControllerContext): Controller {
  const { store } = ctx;
  const pass = () => {
    const nodes = store.list<Stored<INode>>(T.nodes).filter((n) => !n.spec?.unschedulable && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    const used = new Map<string, ResourceList>(nodes.map((n) => [n.metadata.name, {}]));
    const pods = store.list<Stored<IPod>>(T.pods);
    for (const p of pods) {
      const u = p.spec?.nodeName ? used.get(p.spec.nodeName) : undefined;
      if (!u || isTerminal(p)) continue;
      for (const [k, v] of Object.entries(podRequests(p.spec))) u[k] = (u[k] ?? 0) + v;
    }
    const waiting = pods
      .filter((pod) => !pod.spec?.nodeName && !isTerminal(pod) && (pod.spec?.schedulerName ?? COMPONENT) === COMPONENT)
      .sort((a, b) => compareQueueOrder(queueKeyOf(a), queueKeyOf(b)) || store.creationOrder(a) - store.creationOrder(b));
    for (const pod of waiting) {
      const req = podRequests(pod.spec);
      const reasons = new Map<string, number>();
      const fits: { node: Stored<INode>; free: number }[] = [];
      for (const node of nodes) {
        if (!nodeSelectorFits(pod, node)) {
          reasons.set("node(s) didn't match Pod's node affinity/selector", (reasons.get("node(s) didn't match Pod's node affinity/selector") ?? 0) + 1);
          continue;
        }
        if (!tolerates(pod, node)) {
          reasons.set('node(s) had untolerated taint', (reasons.get('node(s) had untolerated taint') ?? 0) + 1);
          continue;
        }
        const alloc = capacityOf(node.status?.allocatable);
        const u = used.get(node.metadata.name)!;
        const short = Object.entries(req).filter(([k, v]) => v > 0 && (u[k] ?? 0) + v > (alloc[k] ?? 0)).map(([k]) => k);
        for (const k of short) reasons.set(`Insufficient ${k}`, (reasons.get(`Insufficient ${k}`) ?? 0) + 1);
        if (short.length === 0) fits.push({ node, free: ((alloc['nvidia.com/gpu'] ?? 0) - (u['nvidia.com/gpu'] ?? 0)) + ((alloc.cpu ?? 0) - (u.cpu ?? 0)) / 1000 });
      }
      if (fits.length > 0) {
        fits.sort((a, b) => b.free - a.free || a.node.metadata.name.localeCompare(b.node.metadata.name));
        const node = fits[0].node;
        const u = used.get(node.metadata.name)!;
        for (const [k, v] of Object.entries(req)) u[k] = (u[k] ?? 0) + v;
        const bound = store.mutate<Stored<IPod>>(T.pods, pod.metadata.namespace, pod.metadata.name, (p) => {
          p.spec!.nodeName = node.metadata.name;
          p.status = { ...p.status, conditions: setCondition(p.status?.conditions, { type: 'PodScheduled', status: 'True' }) };
        });
        if (bound) ctx.events.record(bound, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.metadata.name}`, COMPONENT);
        continue;
      }
      const detail = [...reasons].map(([r, n]) => `${n} ${r}`).sort().join(', ');
      const message = `0/${nodes.length} nodes are available${detail ? `: ${detail}` : ''}.`;
      const current = podCondition(pod, 'PodScheduled');
      if (current?.status === 'False' && current.message === message) continue;
      const updated = store.mutate<Stored<IPod>>(T.pods, pod.metadata.namespace, pod.metadata.name, (p) => {
        p.status = { ...p.status, phase: 'Pending', conditions: setCondition(p.status?.conditions, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }) };
      });
      if (updated) ctx.events.record(updated, 'Warning', 'FailedScheduling', message, COMPONENT);
    }
  };
  const queue = new WorkQueue('scheduler', pass, ctx.clock);
  const unsubscribe = store.subscribe((e) => {
    if (e.resource === T.nodes) return queue.add('all');
    const pod = e.object as Stored<IPod>;
    const old = e.oldObject as Stored<IPod> | undefined;
    if (e.type === 'ADDED' && !pod.spec?.nodeName) queue.add('all');
    else if (e.type === 'DELETED' && pod.spec?.nodeName && !isTerminal(pod)) queue.add('all');
    else if (e.type === 'MODIFIED' && isTerminal(pod) && old && !isTerminal(old) && pod.spec?.nodeName) queue.add('all');
  }, [T.pods, T.nodes]);
  queue.add('all');
  const stopResync = ctx.clock.every(ctx.options.timings.resyncMs, () => queue.add('all'));
  return {
    stop() {
      unsubscribe();
      stopResync();
      queue.stop();
    },
  };
}

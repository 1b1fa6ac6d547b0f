import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { qosClass } from '../api/defaults';
import { admitPodPriority } from '../priority';
import { T } from '../resources';
import { matchesSelector } from '../selectors/label-selector';
import type { Stored } from '../store/types';
import { clone } from '../util/json';
import { randomSuffix } from '../util/random';
import type { Controller, ControllerContext } from './context';
import { controllerOf, ownerReference } from './ownership';
import { isPodReady, isTerminal } from './pod-status';
import { keyOf, splitKey, WorkQueue } from './work-queue';

const COMPONENT = 'replicaset-controller';

/** Deletion preference, as the real controller ranks pods: unscheduled, pending, not ready, then newest. */
function deletionRank(p: Stored<IPod>): number {
  if (!p.spec?.nodeName) return 0;
  if (p.status?.phase === 'Pending') return 1;
  if (!isPodReady(p)) return 2;
  return 3;
}

/** ReplicaSets: keep spec.replicas live pods from the template; report replicas/ready/available. */
export function startReplicaSets(ctx: ControllerContext): Controller {
  const { store } = ctx;
  const reconcile = (key: string) => {
    const [ns, name] = splitKey(key);
    const rs = store.get<Stored<IReplicaSet>>(T.replicasets, ns, name);
    if (!rs) return;
    const owned = store.listControlledBy<Stored<IPod>>(T.pods, rs.metadata.uid!);
    for (const p of owned.filter(isTerminal)) store.delete(T.pods, ns, p.metadata.name);
    let live = owned.filter((p) => !isTerminal(p));
    const want = rs.spec?.replicas ?? 1;
    if (live.length < want) {
      for (let i = live.length; i < want; i++) {
        const template = clone(rs.spec!.template!);
        const refused = admitPodPriority(store, template.spec);
        if (refused) {
          ctx.events.record(rs, 'Warning', 'FailedCreate', `Error creating: pods "${name}-" is forbidden: ${refused}`, COMPONENT);
          break;
        }
        const pod = store.create<Stored<IPod>>(T.pods, {
          metadata: {
            name: `${name}-${randomSuffix()}`, namespace: ns, generateName: `${name}-`, labels: template.metadata?.labels,
            annotations: template.metadata?.annotations, ownerReferences: [ownerReference(rs)],
          },
          spec: template.spec,
          status: { phase: 'Pending', qosClass: qosClass(template.spec) },
        });
        live.push(pod);
        ctx.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, COMPONENT);
      }
    } else if (live.length > want) {
      const victims = [...live].sort((a, b) => deletionRank(a) - deletionRank(b) || store.creationOrder(b) - store.creationOrder(a)).slice(0, live.length - want);
      for (const p of victims) {
        store.delete(T.pods, ns, p.metadata.name);
        ctx.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, COMPONENT);
      }
      live = live.filter((p) => !victims.includes(p));
    }
    const ready = live.filter(isPodReady).length;
    store.mutate<Stored<IReplicaSet>>(T.replicasets, ns, name, (r) => {
      r.status = {
        replicas: live.length,
        fullyLabeledReplicas: live.filter((p) => matchesSelector(p.metadata.labels, r.spec?.selector)).length,
        readyReplicas: ready,
        availableReplicas: ready,
        observedGeneration: r.metadata.generation,
      };
    });
  };
  const queue = new WorkQueue('replicasets', reconcile, ctx.clock);
  const unsubscribe = store.subscribe((e) => {
    if (e.resource === T.replicasets) {
      if (e.type !== 'DELETED') queue.add(keyOf(e.object.metadata.namespace, e.object.metadata.name));
      return;
    }
    const owner = controllerOf(e.object);
    if (owner?.kind === 'ReplicaSet') queue.add(keyOf(e.object.metadata.namespace, owner.name));
  }, [T.replicasets, T.pods]);
  for (const rs of store.list(T.replicasets)) queue.add(keyOf(rs.metadata.namespace, rs.metadata.name));
  return {
    stop() {
      unsubscribe();
      queue.stop();
    },
  };
}

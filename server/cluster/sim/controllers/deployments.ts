import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IDeploymentCondition } from 'kubernetes-models/apps/v1/DeploymentCondition';
import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { T } from '../resources';
import type { Stored } from '../store/types';
import { clone, stableStringify } from '../util/json';
import { safeHash } from '../util/random';
import { rfc3339 } from '../util/time';
import type { Controller, ControllerContext } from './context';
import { controllerOf, ownerReference } from './ownership';
import { setCondition } from './pod-status';
import { fenceposts, planRollingUpdate } from './rolling-update';
import { keyOf, splitKey, WorkQueue } from './work-queue';

const COMPONENT = 'deployment-controller';
const REVISION = 'deployment.kubernetes.io/revision';
const HASH = 'pod-template-hash';

export function templateHash(template: IPodTemplateSpec | undefined): string {
  const t = clone(template ?? {});
  if (t.metadata?.labels) delete t.metadata.labels[HASH];
  return safeHash(stableStringify(t));
}

const revisionOf = (rs: Stored<IReplicaSet>) => Number(rs.metadata.annotations?.[REVISION] ?? 0);

/**
 * apps/v1 Deployments: a ReplicaSet per pod template (`pod-template-hash`, revision annotation),
 * rolling updates within maxSurge/maxUnavailable (or Recreate), scaling, old ReplicaSet clean-up
 * (revisionHistoryLimit), and status with Available/Progressing conditions including
 * ProgressDeadlineExceeded. A template change (e.g. `kubectl rollout restart`) starts a rollout.
 */
export function startDeployments(ctx: ControllerContext): Controller {
  const { store } = ctx;
  const speed = ctx.options.speed;
  const progress = new Map<string, { at: number; sig: string }>();

  const scale = (d: Stored<IDeployment>, rs: Stored<IReplicaSet>, to: number, desired: number, maxTotal: number) => {
    const from = rs.spec?.replicas ?? 0;
    if (from === to) return;
    store.mutate<Stored<IReplicaSet>>(T.replicasets, rs.metadata.namespace, rs.metadata.name, (r) => {
      r.spec!.replicas = to;
      r.metadata.annotations = { ...r.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(maxTotal) };
    });
    ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`, COMPONENT);
  };

  const reconcile = (key: string) => {
    const [ns, name] = splitKey(key);
    const d = store.get<Stored<IDeployment>>(T.deployments, ns, name);
    if (!d || !d.spec) return;
    const uid = d.metadata.uid!;
    const desired = d.spec.replicas ?? 1;
    const fence = d.spec.strategy?.type === 'Recreate' ? { surge: 0, unavailable: desired } : fenceposts(d.spec.strategy?.rollingUpdate?.maxSurge, d.spec.strategy?.rollingUpdate?.maxUnavailable, desired);
    const owned = () => store.listControlledBy<Stored<IReplicaSet>>(T.replicasets, uid);
    let all = owned();
    const hash = templateHash(d.spec.template);
    const maxRev = Math.max(0, ...all.map(revisionOf));
    let created = false;
    let newRS = all.find((rs) => rs.metadata.labels?.[HASH] === hash);
    if (!newRS) {
      const template = clone(d.spec.template ?? {});
      template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [HASH]: hash } };
      newRS = store.create<Stored<IReplicaSet>>(T.replicasets, {
        metadata: {
          name: `${name}-${hash}`, namespace: ns, labels: template.metadata.labels, ownerReferences: [ownerReference(d)],
          annotations: { [REVISION]: String(maxRev + 1), 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(desired + fence.surge) },
        },
        spec: {
          replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0,
          selector: { ...clone(d.spec.selector), matchLabels: { ...d.spec.selector.matchLabels, [HASH]: hash } },
          template,
        },
      });
      created = true;
    } else if (revisionOf(newRS) < maxRev) {
      newRS = store.mutate<Stored<IReplicaSet>>(T.replicasets, ns, newRS.metadata.name, (r) => {
        r.metadata.annotations = { ...r.metadata.annotations, [REVISION]: String(maxRev + 1) };
      })!;
    }
    const old = all.filter((rs) => rs.metadata.uid !== newRS!.metadata.uid);
    const state = (rs: Stored<IReplicaSet>) => ({ name: rs.metadata.name, replicas: rs.spec?.replicas ?? 0, available: rs.status?.availableReplicas ?? 0 });
    const maxTotal = desired + fence.surge;
    if (d.spec.strategy?.type === 'Recreate') {
      const oldActive = old.some((rs) => (rs.spec?.replicas ?? 0) > 0 || (rs.status?.replicas ?? 0) > 0);
      for (const rs of old) scale(d, rs, 0, desired, maxTotal);
      if (!oldActive) scale(d, newRS, desired, desired, maxTotal);
    } else if (old.every((rs) => (rs.spec?.replicas ?? 0) === 0)) {
      scale(d, newRS, desired, desired, maxTotal);
    } else {
      const plan = planRollingUpdate(desired, state(newRS), old.map(state), fence);
      scale(d, newRS, plan.newReplicas, desired, maxTotal);
      for (const rs of old) scale(d, rs, plan.oldReplicas.get(rs.metadata.name) ?? 0, desired, maxTotal);
    }

    all = owned();
    newRS = all.find((rs) => rs.metadata.uid === newRS!.metadata.uid) ?? newRS;
    const history = all.filter((rs) => rs !== newRS && (rs.spec?.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0).sort((a, b) => revisionOf(a) - revisionOf(b));
    const limit = d.spec.revisionHistoryLimit ?? 10;
    for (const rs of history.slice(0, Math.max(0, history.length - limit))) store.delete(T.replicasets, ns, rs.metadata.name);

    all = owned();
    const sum = (f: (rs: Stored<IReplicaSet>) => number) => all.reduce((n, rs) => n + f(rs), 0);
    const replicas = sum((rs) => rs.status?.replicas ?? 0);
    const updated = newRS.status?.replicas ?? 0;
    const ready = sum((rs) => rs.status?.readyReplicas ?? 0);
    const available = sum((rs) => rs.status?.availableReplicas ?? 0);
    const specTotal = sum((rs) => rs.spec?.replicas ?? 0);
    const complete = updated === desired && replicas === desired && available === desired && all.every((rs) => rs === newRS || (rs.spec?.replicas ?? 0) === 0);
    const now = Date.now();
    const sig = `${newRS.metadata.name}|${updated}|${ready}|${available}|${replicas}|${specTotal}`;
    const seen = progress.get(uid);
    const moved = !seen || seen.sig !== sig;
    if (moved) progress.set(uid, { at: now, sig });
    const lastMove = progress.get(uid)!.at;
    const deadlineMs = (d.spec.progressDeadlineSeconds ?? 600) * 1000 / speed;
    const rsName = newRS.metadata.name;
    let progressing: IDeploymentCondition;
    if (complete) progressing = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` };
    else if (now - lastMove > deadlineMs) progressing = { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` };
    else if (created) progressing = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${rsName}"` };
    else progressing = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` };
    const availableCond: IDeploymentCondition = available >= desired - fence.unavailable
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
      : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' };
    if (!complete) queue.addAfter(key, Math.max(0, deadlineMs - (now - lastMove)) * speed + 1);

    store.mutate<Stored<IDeployment>>(T.deployments, ns, name, (x) => {
      const stamp = rfc3339();
      let conds = x.status?.conditions ?? [];
      for (const c of [availableCond, progressing]) {
        const prev = conds.find((p) => p.type === c.type);
        const same = prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message;
        conds = setCondition(conds, c, { lastUpdateTime: same && !(moved && c.type === 'Progressing') ? prev.lastUpdateTime : stamp });
      }
      x.status = {
        observedGeneration: x.metadata.generation,
        replicas,
        updatedReplicas: updated,
        readyReplicas: ready,
        availableReplicas: available,
        unavailableReplicas: Math.max(0, specTotal - available) || undefined,
        conditions: conds,
      };
      for (const k of ['readyReplicas', 'availableReplicas', 'updatedReplicas', 'replicas'] as const) if (!x.status[k]) delete x.status[k];
      if (!x.status.unavailableReplicas) delete x.status.unavailableReplicas;
    });
  };
  const queue = new WorkQueue('deployments', reconcile, ctx.clock);
  const unsubscribe = store.subscribe((e) => {
    if (e.resource === T.deployments) {
      if (e.type === 'DELETED') progress.delete(e.object.metadata.uid!);
      else queue.add(keyOf(e.object.metadata.namespace, e.object.metadata.name));
      return;
    }
    const owner = controllerOf(e.object);
    if (owner?.kind === 'Deployment') queue.add(keyOf(e.object.metadata.namespace, owner.name));
  }, [T.deployments, T.replicasets]);
  for (const d of store.list(T.deployments)) queue.add(keyOf(d.metadata.namespace, d.metadata.name));
  return {
    stop() {
      unsubscribe();
      queue.stop();
    },
  };
}

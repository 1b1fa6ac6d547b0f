import type { IContainerState } from 'kubernetes-models/v1/ContainerState';
import type { IContainerStatus } from 'kubernetes-models/v1/ContainerStatus';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IPodCondition } from 'kubernetes-models/v1/PodCondition';
import { rfc3339 } from '../util/time';

type Condition = { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string };

/** Sets a condition, keeping lastTransitionTime when the status did not change. */
export function setCondition<C extends Condition>(list: C[] | undefined, next: C, extra: Partial<C> = {}): C[] {
  const out = [...(list ?? [])];
  const i = out.findIndex((c) => c.type === next.type);
  const now = rfc3339();
  const prev = i >= 0 ? out[i] : undefined;
  const merged = { ...next, ...extra, lastTransitionTime: prev && prev.status === next.status ? prev.lastTransitionTime : now } as C;
  if (!merged.reason) delete merged.reason;
  if (!merged.message) delete merged.message;
  if (i >= 0) out[i] = merged;
  else out.push(merged);
  return out;
}

export function podCondition(pod: IPod, type: string): IPodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

export function isPodReady(pod: IPod): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

export function isTerminal(pod: IPod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** One status per container of the pod, all in the same state. */
export function containerStatuses(pod: IPod, state: IContainerState, ready: boolean, restartCount = 0, lastState?: IContainerState): IContainerStatus[] {
  return (pod.spec?.containers ?? []).map((c) => ({
    name: c.name,
    image: c.image ?? '',
    imageID: state.waiting?.reason === 'ContainerCreating' || state.waiting?.reason?.includes('Image') ? '' : `sim://${c.image}@sha256:${'0'.repeat(64)}`,
    containerID: state.running || state.terminated ? `sim://${pod.metadata?.uid}-${c.name}-${restartCount}` : undefined,
    ready,
    started: !!state.running,
    restartCount,
    state,
    lastState: lastState ?? {},
  }));
}

/** Sets PodScheduled/Initialized/ContainersReady/Ready consistently for a pod that has a node. */
export function runtimeConditions(pod: IPod, ready: boolean, notReadyReason = 'ContainersNotReady'): IPodCondition[] {
  let conds = pod.status?.conditions ?? [];
  conds = setCondition(conds, { type: 'PodReadyToStartContainers', status: 'True' });
  conds = setCondition(conds, { type: 'Initialized', status: 'True' });
  const names = (pod.spec?.containers ?? []).map((c) => c.name).join(' ');
  const msg = ready ? undefined : `containers with unready status: [${names}]`;
  conds = setCondition(conds, { type: 'ContainersReady', status: ready ? 'True' : 'False', reason: ready ? undefined : notReadyReason, message: msg });
  conds = setCondition(conds, { type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? undefined : notReadyReason, message: msg });
  return conds;
}

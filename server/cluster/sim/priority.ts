import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPriorityClass } from 'kubernetes-models/scheduling.k8s.io/v1/PriorityClass';
import { T } from './resources';
import type { ObjectStore } from './store';
import type { KObject } from './store/types';

/** Classes every cluster has without objects for them (apiserver's bootstrap classes). */
export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = { 'system-cluster-critical': 2_000_000_000, 'system-node-critical': 2_000_001_000 };
/** The largest value a PriorityClass not named system-* may have. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;

type PreemptionPolicy = 'Never' | 'PreemptLowerPriority';

function lookup(store: ObjectStore, name: string): { value: number; preemptionPolicy: PreemptionPolicy } | undefined {
  if (name in SYSTEM_PRIORITY_CLASSES) return { value: SYSTEM_PRIORITY_CLASSES[name], preemptionPolicy: 'PreemptLowerPriority' };
  const pc = store.get<KObject & IPriorityClass>(T.priorityclasses, undefined, name);
  return pc && { value: pc.value ?? 0, preemptionPolicy: pc.preemptionPolicy ?? 'PreemptLowerPriority' };
}

/** The globalDefault class with the lowest value (as the real plugin picks when several claim it). */
function defaultClass(store: ObjectStore): (KObject & IPriorityClass) | undefined {
  return store
    .list<KObject & IPriorityClass>(T.priorityclasses)
    .filter((pc) => pc.globalDefault)
    .sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0];
}

/**
 * The Priority admission plugin, for a pod being created (by a client or by a controller): resolves
 * `priorityClassName` (or the globalDefault class) into `spec.priority` and `spec.preemptionPolicy`, which
 * the scheduler orders its queue by. Returns the reason the API server would refuse the pod (403), if any.
 */
export function admitPodPriority(store: ObjectStore, spec: IPodSpec | undefined): string | null {
  if (!spec) return null;
  let value = 0;
  let policy: PreemptionPolicy = 'PreemptLowerPriority';
  if (spec.priorityClassName) {
    const found = lookup(store, spec.priorityClassName);
    if (!found) return `no PriorityClass with name ${spec.priorityClassName} was found`;
    value = found.value;
    policy = found.preemptionPolicy;
  } else {
    const dflt = defaultClass(store);
    if (dflt) {
      spec.priorityClassName = dflt.metadata.name;
      value = dflt.value ?? 0;
      policy = dflt.preemptionPolicy ?? 'PreemptLowerPriority';
    }
  }
  if (spec.priority !== undefined && spec.priority !== value) {
    return `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`;
  }
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== policy) {
    return `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`;
  }
  spec.priority = value;
  spec.preemptionPolicy = policy;
  return null;
}

/** The Priority admission plugin, for a PriorityClass being written: at most one globalDefault. */
export function admitPriorityClass(store: ObjectStore, pc: KObject & IPriorityClass): string | null {
  if (!pc.globalDefault) return null;
  const other = store.list<KObject & IPriorityClass>(T.priorityclasses).find((c) => c.globalDefault && c.metadata.name !== pc.metadata.name);
  return other ? `PriorityClass ${other.metadata.name} is already marked as default. Only one default can exist` : null;
}

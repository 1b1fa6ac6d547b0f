import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { parseQuantity } from '../util/quantity';

export type ResourceList = Record<string, number>;

/*
 * The scheduler adds up every bound pod's requests and every node's allocatable on each pass, and a pass runs
 * for every pod created, finished or deleted: a burst of Jobs made that quadratic in quantity parsing. Stored
 * objects are deep-frozen (../store.ts), so a frozen spec or list is parsed once and remembered by identity.
 */
const requestsOf = new WeakMap<object, ResourceList>();
const capacities = new WeakMap<object, ResourceList>();

function remembered<T extends object>(cache: WeakMap<object, ResourceList>, key: T | undefined, compute: (key: T | undefined) => ResourceList): ResourceList {
  if (!key || !Object.isFrozen(key)) return compute(key);
  let value = cache.get(key);
  if (!value) {
    value = Object.freeze(compute(key)) as ResourceList;
    cache.set(key, value);
  }
  return value;
}

/** What a pod asks for: per resource, the sum over containers (max with init containers). Do not mutate the result. */
export function podRequests(spec: IPodSpec | undefined): Readonly<ResourceList> {
  return remembered(requestsOf, spec, sumRequests);
}

function sumRequests(spec: IPodSpec | undefined): ResourceList {
  const sum: ResourceList = {};
  const of = (c: NonNullable<IPodSpec['containers']>[number]) => {
    const out: ResourceList = {};
    const names = new Set([...Object.keys(c.resources?.requests ?? {}), ...Object.keys(c.resources?.limits ?? {})]);
    for (const n of names) out[n] = parseQuantity(c.resources?.requests?.[n] ?? c.resources?.limits?.[n]) ?? 0;
    return out;
  };
  for (const c of spec?.containers ?? []) for (const [k, v] of Object.entries(of(c))) sum[k] = (sum[k] ?? 0) + v;
  for (const c of spec?.initContainers ?? []) for (const [k, v] of Object.entries(of(c))) sum[k] = Math.max(sum[k] ?? 0, v);
  return sum;
}

/** Parsed quantities of a node's capacity or allocatable. Do not mutate the result. */
export function capacityOf(list: Record<string, unknown> | undefined): Readonly<ResourceList> {
  return remembered(capacities, list, parseList);
}

function parseList(list: Record<string, unknown> | undefined): ResourceList {
  const out: ResourceList = {};
  for (const [k, v] of Object.entries(list ?? {})) out[k] = parseQuantity(v) ?? 0;
  return out;
}

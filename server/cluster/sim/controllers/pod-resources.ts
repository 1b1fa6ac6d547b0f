import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { parseQuantity } from '../util/quantity';

export type ResourceList = Record<string, number>;

/** What a pod asks for: per resource, the sum over containers (max with init containers). */
export function podRequests(spec: IPodSpec | undefined): ResourceList {
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

export function capacityOf(list: Record<string, unknown> | undefined): ResourceList {
  const out: ResourceList = {};
  for (const [k, v] of Object.entries(list ?? {})) out[k] = parseQuantity(v) ?? 0;
  return out;
}

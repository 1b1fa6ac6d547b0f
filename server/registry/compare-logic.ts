import semver from 'semver';
import type { MetricDirection } from '@/db/schema/registry';
import { defaultDirection } from './versioning';

export interface MetricComparison {
  name: string;
  a: number | null;
  b: number | null;
  direction: MetricDirection;
  /** b − a */
  absoluteChange: number | null;
  /** (b − a) / |a|; null when a is 0 or missing. */
  relativeChange: number | null;
  better: 'a' | 'b' | 'equal' | null;
}

export function compareMetrics(
  a: { metrics: Record<string, number>; metricDirections: Record<string, MetricDirection> },
  b: { metrics: Record<string, number>; metricDirections: Record<string, MetricDirection> },
): MetricComparison[] {
  const names = [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])].sort();
  return names.map((name) => {
    const va = a.metrics[name] ?? null;
    const vb = b.metrics[name] ?? null;
    // b is the newer side in the usual "a → b" reading, so its declared direction wins.
    const direction = b.metricDirections[name] ?? a.metricDirections[name] ?? defaultDirection(name);
    if (va === null || vb === null) return { name, a: va, b: vb, direction, absoluteChange: null, relativeChange: null, better: null };
    const absoluteChange = vb - va;
    const relativeChange = va === 0 ? null : absoluteChange / Math.abs(va);
    const better = absoluteChange === 0 ? 'equal' : (absoluteChange > 0) === (direction === 'higher') ? 'b' : 'a';
    return { name, a: va, b: vb, direction, absoluteChange, relativeChange, better };
  });
}

export interface ConfigDiff {
  added: { path: string; value: unknown }[];
  removed: { path: string; value: unknown }[];
  changed: { path: string; from: unknown; to: unknown }[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const joinPath = (base: string, key: string) => {
  const part = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return base ? `${base}.${part}` : part;
};

function deepEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => deepEqual(v, y[i]));
  if (isPlainObject(x) && isPlainObject(y)) {
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => k in y && deepEqual(x[k], y[k]));
  }
  return false;
}

/** Differences from a to b as dotted paths into nested objects; arrays are compared as whole values. */
export function diffConfig(a: Record<string, unknown>, b: Record<string, unknown>, base = '', out: ConfigDiff = { added: [], removed: [], changed: [] }): ConfigDiff {
  for (const key of Object.keys(a).sort()) {
    const path = joinPath(base, key);
    if (!(key in b)) out.removed.push({ path, value: a[key] });
    else if (isPlainObject(a[key]) && isPlainObject(b[key])) diffConfig(a[key], b[key], path, out);
    else if (!deepEqual(a[key], b[key])) out.changed.push({ path, from: a[key], to: b[key] });
  }
  for (const key of Object.keys(b).sort()) if (!(key in a)) out.added.push({ path: joinPath(base, key), value: b[key] });
  return out;
}

export type CompatibilityVerdict = 'compatible' | 'breaking' | 'incompatible';

/** Different base model: weights cannot be swapped (incompatible). Different major: breaking change. */
export function compatibility(a: { version: string; baseModel: string }, b: { version: string; baseModel: string }): { verdict: CompatibilityVerdict; reasons: string[] } {
  const reasons: string[] = [];
  if (a.baseModel !== b.baseModel) reasons.push(`different base models (${a.baseModel} vs ${b.baseModel})`);
  const majorA = semver.major(a.version);
  const majorB = semver.major(b.version);
  if (majorA !== majorB) reasons.push(`different major versions (${majorA} vs ${majorB})`);
  const verdict: CompatibilityVerdict = a.baseModel !== b.baseModel ? 'incompatible' : majorA !== majorB ? 'breaking' : 'compatible';
  if (verdict === 'compatible') reasons.push('same base model and major version');
  return { verdict, reasons };
}

import semver from 'semver';
import type { MetricDirection } from '@/db/schema/registry';
import { ValidationError } from '@/server/errors';

export type BumpLevel = 'major' | 'minor' | 'patch' | 'prerelease';

/**
 * The next version for a bump. A `prerelease` bump of a release starts the next patch's prerelease
 * (1.2.0 → 1.2.1-rc.0), as `semver.inc` does; of a prerelease it counts up (1.3.0-rc.1 → 1.3.0-rc.2).
 */
export function bumpVersion(from: string, level: BumpLevel, preid?: string): string {
  const next = preid && level === 'prerelease' ? semver.inc(from, level, preid, '0') : semver.inc(from, level);
  if (!next) throw new ValidationError(`Cannot bump ${from} by ${level}`, 'level');
  return next;
}

const LOWER_IS_BETTER = /(loss|perplexity|ppl|latency|error|err_rate|wer|cer|cost|ttft|duration|time_ms|toxicity|memory|kl)/i;

/** Loss, perplexity, latency, error rates and costs are better when lower; everything else when higher. */
export function defaultDirection(metric: string): MetricDirection {
  return LOWER_IS_BETTER.test(metric) ? 'lower' : 'higher';
}

/** Every metric gets a direction: explicit ones win, the rest use the naming convention. */
export function resolveDirections(metrics: Record<string, number>, explicit: Record<string, MetricDirection> = {}): Record<string, MetricDirection> {
  const out: Record<string, MetricDirection> = {};
  for (const name of Object.keys(metrics)) out[name] = explicit[name] ?? defaultDirection(name);
  for (const [name, dir] of Object.entries(explicit)) out[name] = dir;
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge: overrides win; nested objects merge key by key; arrays and scalars replace. */
export function mergeConfig(base: Record<string, unknown>, overrides: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!overrides) return structuredClone(base);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(overrides)) {
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? mergeConfig(out[key] as Record<string, unknown>, value) : structuredClone(value);
  }
  return out;
}

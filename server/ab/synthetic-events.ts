import { mulberry32 } from '@/server/seeded-random';
import { variantFor } from './assign';
import type { TestDefinition } from './definition';
import type { AbEvent } from './schemas';

export interface SyntheticOptions {
  /** Units `${prefix}${from}` … `${prefix}${from + units - 1}`. */
  units: number;
  from?: number;
  prefix?: string;
  /** Seed of the deterministic generator: the same options give the same events. */
  seed?: number;
  /** The events of one unit, given the variant its assignment picks. */
  eventsFor: (variant: string, rand: () => number) => { metric: string; value: number }[];
  /**
   * Whether a unit's events arrive at all (default: always). Dropping units of one variant is how a
   * logging bug shows up as a sample ratio mismatch.
   */
  keep?: (variant: string, rand: () => number) => boolean;
}

/**
 * Synthetic metric events for a test (demo data, tests, benchmarks): each unit gets the variant the
 * real assignment gives it, so ingestion accepts the events as they are. Deterministic (mulberry32).
 */
export function syntheticEvents(def: TestDefinition, opts: SyntheticOptions): AbEvent[] {
  const rand = mulberry32(opts.seed ?? 1);
  const events: AbEvent[] = [];
  const from = opts.from ?? 0;
  for (let i = from; i < from + opts.units; i++) {
    const unit = `${opts.prefix ?? 'user-'}${i}`;
    const variant = variantFor(def, unit).key;
    if (opts.keep && !opts.keep(variant, rand)) continue;
    for (const e of opts.eventsFor(variant, rand)) events.push({ unit, metric: e.metric, value: e.value });
  }
  return events;
}

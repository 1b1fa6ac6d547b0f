import { ConflictError } from '@/server/errors';
import { countAbAssignment } from '@/server/metrics/registry';
import { cachedDefinition, freshDefinition, type TestDefinition } from './definition';
import { recordExposure } from './exposures';
import { assignIndex } from './hash';

/** Assignment and events are only accepted while a test runs (409 otherwise, naming the state). */
export function assertRunning(def: TestDefinition, what: string): void {
  const { status, name } = def.test;
  if (status === 'draft') throw new ConflictError(`A/B test "${name}" has not been started; ${what} are accepted once it runs`, 'status');
  if (status === 'stopped') throw new ConflictError(`A/B test "${name}" is stopped; ${what} are no longer accepted`, 'status');
}

/** The variant a unit gets, computed without any database access (deterministic hash, see hash.ts). */
export function variantFor(def: TestDefinition, unit: string) {
  return def.variants[assignIndex(def.test.salt, unit, def.weights)];
}

/**
 * Assigns a unit and records its first assignment as an exposure (written behind, within a few
 * milliseconds: see exposures.ts). This is a data-plane write: it is
 * not written to the audit log (one audit row per request would dwarf the data); the test's creation,
 * start and stop are audited instead.
 */
export async function assign(ref: string, unit: string): Promise<{ variant: string; version: string }> {
  // Every assignment comes here: a fresh cached definition and an exposure already recorded cost no promise.
  const def = freshDefinition(ref) ?? (await cachedDefinition(ref));
  assertRunning(def, 'assignments');
  const variant = variantFor(def, unit);
  const buffering = exposeOnce(def, unit, variant.key);
  if (buffering) await buffering;
  countAbAssignment(def.test.id, variant.key);
  return { variant: variant.key, version: variant.version };
}

/**
 * Records a unit's exposure unless this process already stored it or has it pending (assignment and the
 * gateway share this). Synchronous in the common case; returns a promise only when the caller must wait:
 * the write buffer is full and is being flushed. A unit counts as stored only once its row committed
 * (see exposures.ts), so a failed write is retried rather than forgotten.
 */
export function exposeOnce(def: TestDefinition, unit: string, variant: string): Promise<void> | undefined {
  return recordExposure(def.test.id, unit, variant);
}

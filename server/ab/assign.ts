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
 * Records a unit's exposure unless this process already has (assignment and the gateway share this).
 * Returns a promise only when the caller must wait: the write buffer is full and is being flushed.
 */
export function exposeOnce(def: TestDefinition, unit: string, variant: string): Promise<void> | undefined {
  const testId = def.test.id;
  if (recorded.get(testId)?.has(unit)) return undefined;
  const flushing = recordExposure(testId, unit, variant);
  if (!flushing) {
    remember(testId, unit);
    return undefined;
  }
  return flushing.then(() => remember(testId, unit));
}

function remember(testId: string, unit: string) {
  if (recordedCount >= MAX_RECORDED) {
    recorded.clear();
    recordedCount = 0;
  }
  let units = recorded.get(testId);
  if (!units) recorded.set(testId, (units = new Set()));
  if (!units.has(unit)) {
    units.add(unit);
    recordedCount++;
  }
}

/**
 * Units whose exposure this process has already stored (exposure rows are never deleted, so this can
 * only be incomplete, never wrong): a returning unit is answered without a database write. Bounded.
 */
const recorded = new Map<string, Set<string>>();
let recordedCount = 0;
const MAX_RECORDED = 200_000;

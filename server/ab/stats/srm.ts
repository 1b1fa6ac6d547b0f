import { chiSquaredSf } from './distributions/chi-squared';

/**
 * Sample ratio mismatch: Pearson's χ² of the exposures against the configured weights (gbstats
 * `check_srm`). A mismatch means assignment or logging is broken, and no metric can be trusted.
 */

/** The threshold GrowthBook and most platforms use: strict, because the check runs on every look. */
export const SRM_P_THRESHOLD = 0.001;
/** With fewer units per variant the χ² approximation is poor (expected counts should be ≥ ~5–8). */
export const SRM_MIN_UNITS = 8;

export type SrmStatus = 'ok' | 'mismatch' | 'not_enough_data';

export interface SrmCheck {
  chiSquared: number;
  degreesOfFreedom: number;
  /** Null when nothing has been observed yet. */
  pValue: number | null;
  status: SrmStatus;
  expectedShare: number[];
}

export function srmCheck(observed: number[], weights: number[]): SrmCheck {
  if (observed.length !== weights.length || observed.length < 2) throw new RangeError('SRM needs one weight per variant and at least two variants');
  for (const o of observed) if (!Number.isInteger(o) || o < 0) throw new RangeError(`exposures must be non-negative integers (got ${o})`);
  for (const w of weights) if (!(w > 0) || !Number.isFinite(w)) throw new RangeError(`weights must be positive (got ${w})`);
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  const expectedShare = weights.map((w) => w / totalWeight);
  const total = observed.reduce((s, o) => s + o, 0);
  const degreesOfFreedom = observed.length - 1;
  if (total === 0) return { chiSquared: 0, degreesOfFreedom, pValue: null, status: 'not_enough_data', expectedShare };
  let chiSquared = 0;
  observed.forEach((o, i) => {
    const e = expectedShare[i] * total;
    chiSquared += ((o - e) * (o - e)) / e;
  });
  const pValue = chiSquaredSf(chiSquared, degreesOfFreedom);
  const enough = observed.every((o) => o >= SRM_MIN_UNITS);
  const status: SrmStatus = !enough ? 'not_enough_data' : pValue < SRM_P_THRESHOLD ? 'mismatch' : 'ok';
  return { chiSquared, degreesOfFreedom, pValue, status, expectedShare };
}

import { studentTQuantileUpper, studentTSf } from './distributions/student-t';
import type { Estimate } from './effects';
import type { VariantSummary } from './types';

/** A two-sided test of "no difference" with its confidence interval. */
export interface TestOutcome {
  pValue: number;
  ciLower: number;
  ciUpper: number;
  standardError: number;
}

/**
 * Welch–Satterthwaite degrees of freedom from the raw per-variant variances (gbstats uses these even
 * when the tested effect is the relative one). Null when an arm has fewer than two units: its variance
 * is unknown, not zero. Infinity when both variances are 0 (the standard error is then 0 and the
 * degrees of freedom do not matter).
 */
export function welchDegreesOfFreedom(control: VariantSummary, treatment: VariantSummary): number | null {
  if (control.n < 2 || treatment.n < 2) return null;
  const a = treatment.variance / treatment.n;
  const b = control.variance / control.n;
  const total = a + b;
  if (total === 0) return Infinity;
  // Shares of the total keep the squares away from underflow for very small variances.
  const ra = a / total;
  const rb = b / total;
  return 1 / ((ra * ra) / (treatment.n - 1) + (rb * rb) / (control.n - 1));
}

/**
 * What a zero standard error means (both arms constant): any non-zero difference is certain
 * (p = 0, the interval is the point) and no difference is no evidence at all (p = 1).
 */
export function zeroVarianceOutcome(estimate: number): TestOutcome {
  return { pValue: estimate === 0 ? 1 : 0, ciLower: estimate, ciUpper: estimate, standardError: 0 };
}

/**
 * Welch's t-test: p = 2·P(T > |est/se|) from the survival function, so a tiny p stays tiny, and
 * CI = est ± t(1 − α/2, dof)·se.
 */
export function welchTTest(effect: Estimate, dof: number, alpha: number): TestOutcome {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1) (got ${alpha})`);
  const se = Math.sqrt(effect.variance);
  if (se === 0) return zeroVarianceOutcome(effect.estimate);
  const t = effect.estimate / se;
  const pValue = Math.min(1, 2 * studentTSf(Math.abs(t), dof));
  const halfWidth = studentTQuantileUpper(alpha / 2, dof) * se;
  return { pValue, ciLower: effect.estimate - halfWidth, ciUpper: effect.estimate + halfWidth, standardError: se };
}

import type { Estimate } from './effects';
import { zeroVarianceOutcome, type TestOutcome } from './frequentist';

/**
 * Asymptotic confidence sequences (Waudby-Smith et al., "Time-uniform central limit theory and
 * asymptotic confidence sequences", arXiv:2103.06476), as gbstats' SequentialTwoSidedTTest computes
 * them: valid at every look, so a product manager may watch the dashboard daily without inflating the
 * false-positive rate. The price is a wider interval, narrowest when N is near the tuning τ.
 */

/** ρ = √((−2 ln α + ln(−2 ln α + 1))/τ): the mixing width tuned so the sequence is tightest at N = τ. */
export function sequentialRho(alpha: number, tuning: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1) (got ${alpha})`);
  if (!(tuning > 0)) throw new RangeError(`sequential tuning must be positive (got ${tuning})`);
  const l = -2 * Math.log(alpha);
  return Math.sqrt((l + Math.log(l + 1)) / tuning);
}

/**
 * Half-width se·√N·√(2(Nρ² + 1)/(N²ρ²)·ln(√(Nρ² + 1)/α)), with N = nc + nt the units in the
 * comparison and se the standard error of the estimate (so se·√N is the per-unit spread).
 */
export function sequentialHalfWidth(standardError: number, totalUnits: number, alpha: number, tuning: number): number {
  if (!(totalUnits > 0)) throw new RangeError(`total units must be positive (got ${totalUnits})`);
  const rho = sequentialRho(alpha, tuning);
  const nr2 = totalUnits * rho * rho;
  return standardError * Math.sqrt(totalUnits) * Math.sqrt(((2 * (nr2 + 1)) / (nr2 * totalUnits)) * Math.log(Math.sqrt(nr2 + 1) / alpha));
}

/** Always-valid p = min(1, √(Nρ² + 1)·exp(−ρ²N(est/se)²/(2(Nρ² + 1)))), the inverse of the e-value. */
export function sequentialPValue(estimate: number, standardError: number, totalUnits: number, alpha: number, tuning: number): number {
  if (standardError === 0) return estimate === 0 ? 1 : 0;
  const rho = sequentialRho(alpha, tuning);
  const nr2 = totalUnits * rho * rho;
  const z = estimate / standardError;
  // In logs so a huge z gives 0 through exp underflow rather than Infinity · 0.
  const logP = 0.5 * Math.log(nr2 + 1) - (nr2 * z * z) / (2 * (nr2 + 1));
  return Math.min(1, Math.exp(logP));
}

export function sequentialTest(effect: Estimate, totalUnits: number, alpha: number, tuning: number): TestOutcome {
  const se = Math.sqrt(effect.variance);
  if (se === 0) return zeroVarianceOutcome(effect.estimate);
  const halfWidth = sequentialHalfWidth(se, totalUnits, alpha, tuning);
  return {
    pValue: sequentialPValue(effect.estimate, se, totalUnits, alpha, tuning),
    ciLower: effect.estimate - halfWidth,
    ciUpper: effect.estimate + halfWidth,
    standardError: se,
  };
}

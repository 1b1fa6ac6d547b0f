import { normalQuantileUpper } from './distributions/normal';
import { sequentialHalfWidth } from './sequential';

/**
 * Sample-size planning with the normal approximation for a two-sided test of a relative change:
 *   n per variant = (z(1 − α/2) + z(power))² · (σc² + σt²) / (μc · mde)²
 * For sequential tests the interval is wider at every N; the plan is the smallest n at which the
 * sequential half-width plus z(power)·se still fits inside the effect.
 */

export interface PowerInput {
  /** Control mean (a conversion rate for binomial metrics). */
  baselineMean: number;
  /** Per-unit variance of the control. */
  baselineVariance: number;
  /** Per-unit variance expected in the treatment; defaults to the baseline's. */
  treatmentVariance?: number;
  /** Relative minimum detectable effect, e.g. 0.05. */
  relativeMde: number;
  alpha: number;
  power: number;
}

function check(input: PowerInput): void {
  const { relativeMde, alpha, power } = input;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1) (got ${alpha})`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1) (got ${power})`);
  if (!(relativeMde > 0) || !Number.isFinite(relativeMde)) throw new RangeError(`the minimum detectable effect must be positive (got ${relativeMde})`);
}

/** σc² + σt² and the absolute effect to detect, or null when the plan is undefined (zero baseline). */
function planParts(input: PowerInput): { pairVariance: number; delta: number } | null {
  const delta = Math.abs(input.baselineMean) * input.relativeMde;
  const pairVariance = input.baselineVariance + (input.treatmentVariance ?? input.baselineVariance);
  if (delta === 0 || !(pairVariance > 0)) return null;
  return { pairVariance, delta };
}

/** Binomial helper: the treatment variance at the planned lift, p(1 + mde)·(1 − p(1 + mde)). */
export function binomialTreatmentVariance(baselineRate: number, relativeMde: number): number {
  const p = Math.min(1, Math.max(0, baselineRate * (1 + relativeMde)));
  return p * (1 - p);
}

/** Fixed-horizon units per variant; null when a relative change of a zero (or constant) baseline is meaningless. */
export function requiredSampleSizePerVariant(input: PowerInput): number | null {
  check(input);
  const parts = planParts(input);
  if (!parts) return null;
  const z = normalQuantileUpper(input.alpha / 2) + normalQuantileUpper(1 - input.power);
  return Math.ceil((z * z * parts.pairVariance) / (parts.delta * parts.delta));
}

/**
 * How much wider the sequential interval is than the fixed-horizon one at a planned total N
 * (both arms together): hw_seq(N) / (z(1 − α/2)·se). The standard error cancels.
 */
export function sequentialInflationFactor(totalUnits: number, alpha: number, tuning: number): number {
  return sequentialHalfWidth(1, totalUnits, alpha, tuning) / normalQuantileUpper(alpha / 2);
}

/**
 * Units per variant for a sequential test: the smallest n with
 * (m(2n) + z(power))·√((σc² + σt²)/n) ≤ δ, where m(N) = hw_seq/se. The left side falls as n grows
 * (m grows only like √ln N), so a doubling search then bisection finds it.
 */
export function requiredSampleSizePerVariantSequential(input: PowerInput, tuning: number): number | null {
  check(input);
  const parts = planParts(input);
  if (!parts) return null;
  const zPower = normalQuantileUpper(1 - input.power);
  const fits = (n: number) => {
    const multiplier = sequentialHalfWidth(1, 2 * n, input.alpha, tuning) + zPower;
    return multiplier * Math.sqrt(parts.pairVariance / n) <= parts.delta;
  };
  let lo = Math.max(1, (requiredSampleSizePerVariant(input) ?? 1) - 1); // the sequential plan is never smaller
  if (fits(lo)) return lo;
  let hi = lo * 2;
  while (!fits(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > Number.MAX_SAFE_INTEGER) return null;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Share of the target reached by the smallest variant, in [0, 1]. */
export function sampleProgress(unitsPerVariant: number[], target: number): number {
  if (unitsPerVariant.length === 0) return 0;
  if (!(target > 0)) return 1;
  return Math.min(1, Math.min(...unitsPerVariant) / target);
}

import type { MeanSufficientStats, MetricKind, RatioSufficientStats, SufficientStats, VariantSummary } from './types';

/**
 * Per-variant mean and per-unit variance from sufficient statistics, following gbstats'
 * SampleMeanStatistic, ProportionStatistic and RatioStatistic so results can be checked against it.
 */

export function isRatioStats(stats: SufficientStats): stats is RatioSufficientStats {
  return 'sumY' in stats;
}

function assertCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`unit count must be a non-negative integer (got ${n})`);
}

function assertFinite(values: Record<string, number>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!Number.isFinite(value)) throw new RangeError(`${name} must be finite (got ${value})`);
  }
}

/** Sample variance (Σx² − (Σx)²/n)/(n − 1); rounding can push it just below 0, which is clamped. */
function sampleVariance(n: number, sum: number, sumSquares: number): number {
  return Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1));
}

export function summarizeMean(stats: MeanSufficientStats): VariantSummary {
  const { n, sum, sumSquares } = stats;
  assertCount(n);
  assertFinite({ sum, sumSquares });
  if (n === 0) return { n, mean: 0, variance: 0, flag: 'no_units' };
  // One unit has a mean but no spread: variance 0, flagged so no test treats it as certainty.
  if (n === 1) return { n, mean: sum, variance: 0, flag: 'single_unit' };
  return { n, mean: sum / n, variance: sampleVariance(n, sum, sumSquares), flag: null };
}

/** Proportions use p(1 − p), as gbstats does (not the n/(n − 1)-corrected sample variance). */
export function summarizeProportion(stats: MeanSufficientStats): VariantSummary {
  const { n, sum } = stats;
  assertCount(n);
  assertFinite({ sum });
  if (sum < 0 || sum > n) throw new RangeError(`a binomial metric counts converted units: 0 ≤ sum ≤ n (got sum=${sum}, n=${n})`);
  if (n === 0) return { n, mean: 0, variance: 0, flag: 'no_units' };
  const p = sum / n;
  return { n, mean: p, variance: p * (1 - p), flag: n === 1 ? 'single_unit' : null };
}

/**
 * Ratio of sums Σx/Σy with the delta-method per-unit variance of gbstats' `variance_of_ratios`:
 * σx²/μy² + σy²·μx²/μy⁴ − 2·cov(x, y)·μx/μy³, where μ are per-unit means.
 */
export function summarizeRatio(stats: RatioSufficientStats): VariantSummary {
  const { n, sumX, sumX2, sumY, sumY2, sumXY } = stats;
  assertCount(n);
  assertFinite({ sumX, sumX2, sumY, sumY2, sumXY });
  if (n === 0) return { n, mean: 0, variance: 0, flag: 'no_units' };
  if (sumY === 0) return { n, mean: 0, variance: 0, flag: 'zero_denominator' };
  const mean = sumX / sumY;
  if (n === 1) return { n, mean, variance: 0, flag: 'single_unit' };
  const meanX = sumX / n;
  const meanY = sumY / n;
  const varX = sampleVariance(n, sumX, sumX2);
  const varY = sampleVariance(n, sumY, sumY2);
  const covXY = (sumXY - (sumX * sumY) / n) / (n - 1);
  const variance = varX / meanY ** 2 + (varY * meanX ** 2) / meanY ** 4 - (2 * covXY * meanX) / meanY ** 3;
  return { n, mean, variance: Math.max(0, variance), flag: null };
}

export function summarize(kind: MetricKind, stats: SufficientStats): VariantSummary {
  if (kind === 'ratio') {
    if (!isRatioStats(stats)) throw new TypeError('a ratio metric needs {n, sumX, sumX2, sumY, sumY2, sumXY}');
    return summarizeRatio(stats);
  }
  if (isRatioStats(stats)) throw new TypeError(`a ${kind} metric needs {n, sum, sumSquares}`);
  return kind === 'binomial' ? summarizeProportion(stats) : summarizeMean(stats);
}

/** Statistics of n exposed units that produced no event: every unit scores 0. */
export function zeroStats(kind: MetricKind, n: number): SufficientStats {
  return kind === 'ratio' ? { n, sumX: 0, sumX2: 0, sumY: 0, sumY2: 0, sumXY: 0 } : { n, sum: 0, sumSquares: 0 };
}

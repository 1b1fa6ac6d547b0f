import { bayesianReadout, type GaussianPrior } from './bayesian';
import { absoluteEffect, relativeEffect, type Estimate } from './effects';
import { welchDegreesOfFreedom, welchTTest, type TestOutcome } from './frequentist';
import { sequentialTest } from './sequential';
import type { AnalysisMethod, Interval, LiftPrior, MetricDirection, RiskResult, VariantSummary } from './types';

/**
 * One variant against the control on one metric, by the configured method. The p-value and the
 * Bayesian read-out use the relative lift, as gbstats does by default; they fall back to the absolute
 * change when the lift is undefined (zero control mean) or degenerate (its delta-method variance is 0
 * while the absolute one is not, e.g. a treatment with no conversions at all).
 */

export interface CompareOptions {
  method: AnalysisMethod;
  alpha: number;
  sequentialTuning: number;
  direction: MetricDirection;
  /** Prior on the relative lift; null = flat. */
  prior: LiftPrior | null;
}

export interface Comparison {
  absolute: Interval;
  relative: Interval;
  pValue: number | null;
  chanceToWin: number | null;
  risk: RiskResult | null;
  /** The effect the p-value and chance to win are about; null when nothing could be tested. */
  decision: { effect: number; relative: boolean; ciLower: number; ciUpper: number } | null;
}

const EMPTY_INTERVAL: Interval = { effect: null, ciLower: null, ciUpper: null };
const EMPTY: Comparison = { absolute: EMPTY_INTERVAL, relative: EMPTY_INTERVAL, pValue: null, chanceToWin: null, risk: null, decision: null };

/** The reported effect and its interval: the estimate for tests, the posterior mean for Bayesian read-outs. */
interface Bounds {
  effect: number;
  ciLower: number;
  ciUpper: number;
}

function toPrior(prior: LiftPrior | null, scale: number | null): GaussianPrior | null {
  if (prior === null || scale === null) return null;
  // A prior on the lift, carried to the absolute scale by the control mean.
  return { mean: prior.mean * scale, variance: (prior.stdDev * scale) ** 2 };
}

export function compareVariants(control: VariantSummary, treatment: VariantSummary, opts: CompareOptions): Comparison {
  // Fewer than two units (or a ratio with no denominator) leaves a variance unknown: no test is honest.
  if (control.flag !== null || treatment.flag !== null) return EMPTY;
  const dof = welchDegreesOfFreedom(control, treatment);
  const abs = absoluteEffect(control, treatment);
  const rel = relativeEffect(control, treatment);
  if (dof === null || abs.estimate === null) return EMPTY;
  const absEstimate: Estimate = abs;
  const relEstimate: Estimate | null = rel.estimate === null ? null : rel;
  const scale = control.mean === 0 ? null : Math.abs(control.mean);

  const useRelative = relEstimate !== null && (relEstimate.variance > 0 || absEstimate.variance === 0);
  const decisionEstimate = useRelative && relEstimate ? relEstimate : absEstimate;

  const frequentist = (e: Estimate): TestOutcome =>
    opts.method === 'sequential' ? sequentialTest(e, control.n + treatment.n, opts.alpha, opts.sequentialTuning) : welchTTest(e, dof, opts.alpha);
  const readout = (e: Estimate, isRelative: boolean) =>
    bayesianReadout(e, toPrior(opts.prior, isRelative ? 1 : scale), opts.direction, opts.alpha);
  const interval = (e: Estimate, isRelative: boolean): Bounds => {
    if (opts.method !== 'bayesian') return { effect: e.estimate, ...frequentist(e) };
    const r = readout(e, isRelative);
    return { effect: r.posteriorMean, ciLower: r.ciLower, ciUpper: r.ciUpper };
  };

  const absBounds = interval(absEstimate, false);
  let relBounds: Bounds | null = null;
  if (relEstimate !== null && scale !== null) {
    // A zero delta-method variance next to a non-zero absolute one is the delta method failing at a
    // boundary; the absolute interval divided by |μc| is then the honest relative interval.
    relBounds = relEstimate.variance > 0 || absEstimate.variance === 0
      ? interval(relEstimate, true)
      : { effect: absBounds.effect / scale, ciLower: absBounds.ciLower / scale, ciUpper: absBounds.ciUpper / scale };
  }

  const decisionTest = frequentist(decisionEstimate);
  const bayes = readout(decisionEstimate, useRelative);
  const decisionBounds = useRelative && relBounds ? relBounds : absBounds;
  return {
    absolute: { effect: absBounds.effect, ciLower: absBounds.ciLower, ciUpper: absBounds.ciUpper },
    relative: relBounds ? { effect: relBounds.effect, ciLower: relBounds.ciLower, ciUpper: relBounds.ciUpper } : EMPTY_INTERVAL,
    // For the Bayesian method this is the fixed-horizon Welch p-value, reported for readers who want one.
    pValue: decisionTest.pValue,
    chanceToWin: bayes.chanceToWin,
    risk: bayes.risk,
    decision: { effect: decisionBounds.effect, relative: useRelative, ciLower: decisionBounds.ciLower, ciUpper: decisionBounds.ciUpper },
  };
}

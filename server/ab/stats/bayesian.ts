import { normalCdf, normalPdf, normalQuantileUpper, normalSf } from './distributions/normal';
import type { Estimate } from './effects';
import type { MetricDirection, RiskResult } from './types';

/**
 * Bayesian read-out of an effect as gbstats' EffectBayesianABTest does it: the observed effect is a
 * Gaussian likelihood N(estimate, variance), combined with a Gaussian prior on the effect (flat unless
 * one is given), giving a Gaussian posterior.
 */

export interface GaussianPrior {
  mean: number;
  variance: number;
}

export interface Posterior {
  mean: number;
  variance: number;
}

export interface BayesianReadout {
  posteriorMean: number;
  posteriorStdDev: number;
  ciLower: number;
  ciUpper: number;
  /** P(the variant is better than the control), direction-aware. */
  chanceToWin: number;
  risk: RiskResult;
}

/** Precision-weighted combination; a flat prior (null) leaves the data as they are. */
export function posterior(effect: Estimate, prior: GaussianPrior | null): Posterior {
  if (prior === null || effect.variance === 0) return { mean: effect.estimate, variance: effect.variance };
  if (!(prior.variance > 0)) throw new RangeError(`prior variance must be positive (got ${prior.variance})`);
  const precision = 1 / effect.variance + 1 / prior.variance;
  return {
    mean: (effect.estimate / effect.variance + prior.mean / prior.variance) / precision,
    variance: 1 / precision,
  };
}

/** P(effect > 0) for `increase` metrics, P(effect < 0) for `decrease` ones. */
export function chanceToWin(post: Posterior, direction: MetricDirection): number {
  const sd = Math.sqrt(post.variance);
  const pPositive = sd === 0 ? (post.mean > 0 ? 1 : post.mean < 0 ? 0 : 0.5) : normalSf(-post.mean / sd);
  if (direction === 'increase') return pPositive;
  return sd === 0 ? (post.mean < 0 ? 1 : post.mean > 0 ? 0 : 0.5) : normalCdf(-post.mean / sd);
}

/**
 * Expected loss of each decision (gbstats `get_risk`): keeping the control loses E[max(θ, 0)],
 * shipping the variant loses E[max(−θ, 0)], for θ ~ N(μ, σ²). These are the closed forms
 * μΦ(μ/σ) + σφ(μ/σ) and −μΦ(−μ/σ) + σφ(μ/σ). For a `decrease` metric a positive θ is a loss, so the
 * two swap.
 */
export function risk(post: Posterior, direction: MetricDirection): RiskResult {
  const mu = post.mean;
  const sd = Math.sqrt(post.variance);
  let upside: number;
  let downside: number;
  if (sd === 0) {
    upside = Math.max(mu, 0);
    downside = Math.max(-mu, 0);
  } else {
    const z = mu / sd;
    const density = sd * normalPdf(z);
    upside = Math.max(0, mu * normalCdf(z) + density);
    downside = Math.max(0, -mu * normalSf(z) + density);
  }
  return direction === 'increase' ? { control: upside, treatment: downside } : { control: downside, treatment: upside };
}

/** Posterior, its (1 − α) credible interval, chance to win and risk. */
export function bayesianReadout(effect: Estimate, prior: GaussianPrior | null, direction: MetricDirection, alpha: number): BayesianReadout {
  const post = posterior(effect, prior);
  const sd = Math.sqrt(post.variance);
  const halfWidth = normalQuantileUpper(alpha / 2) * sd;
  return {
    posteriorMean: post.mean,
    posteriorStdDev: sd,
    ciLower: post.mean - halfWidth,
    ciUpper: post.mean + halfWidth,
    chanceToWin: chanceToWin(post, direction),
    risk: risk(post, direction),
  };
}

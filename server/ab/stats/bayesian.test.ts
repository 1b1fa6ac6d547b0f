import { describe, expect, it } from 'vitest';
import { bayesianReadout, chanceToWin, posterior, risk } from './bayesian';
import { relativeEffect, type Estimate } from './effects';
import { summarizeMean, summarizeProportion } from './sufficient-stats';
import { expectRelative } from './testing/expect-relative';

describe('Bayesian read-out with a flat prior (gbstats tests/bayesian/test_tests.py, GaussianEffectABTest)', () => {
  it('binomial 49/100 vs 51/100: lift 0.04082, CI [−0.24779, 0.32943], chance to win 0.60918, risk [0.0814, 0.04058]', () => {
    const c = summarizeProportion({ n: 100, sum: 49, sumSquares: 49 });
    const t = summarizeProportion({ n: 100, sum: 51, sumSquares: 51 });
    const r = bayesianReadout(relativeEffect(c, t) as Estimate, null, 'increase', 0.05);
    expect(r.posteriorMean).toBeCloseTo(0.04082, 5);
    expect(r.posteriorStdDev).toBeCloseTo(0.14725, 5);
    expect(r.ciLower).toBeCloseTo(-0.24779, 5);
    expect(r.ciUpper).toBeCloseTo(0.32943, 5);
    expect(r.chanceToWin).toBeCloseTo(0.60918, 5);
    expect(r.risk.control).toBeCloseTo(0.0814, 5);
    expect(r.risk.treatment).toBeCloseTo(0.04058, 5);
  });
  it('means 10 vs 10.5 over 10 units: lift 0.05, CI [−0.02, 0.12], chance to win 0.91923, risk [0.05131, 0.00131]', () => {
    const c = summarizeMean({ n: 10, sum: 100, sumSquares: 1002.25 });
    const t = summarizeMean({ n: 10, sum: 105, sumSquares: 1111.5 });
    const r = bayesianReadout(relativeEffect(c, t) as Estimate, null, 'increase', 0.05);
    expect(r.posteriorStdDev).toBeCloseTo(0.03572, 5);
    expect(r.ciLower).toBeCloseTo(-0.02, 5);
    expect(r.ciUpper).toBeCloseTo(0.12, 5);
    expect(r.chanceToWin).toBeCloseTo(0.91923, 5);
    expect(r.risk.control).toBeCloseTo(0.05131, 5);
    expect(r.risk.treatment).toBeCloseTo(0.00131, 5);
  });
});

describe('Bayesian read-out with a N(0, 0.3²) prior on the lift', () => {
  // Same data as above (lift 0.05, se 0.03571589282098377). References from scipy 1.17.1, following
  // gbstats: precision-weighted posterior, norm.sf(0, m, s) for the chance to win, and
  // (1 − P(θ<0))·truncnorm mean on (0, ∞) / −P(θ<0)·truncnorm mean on (−∞, 0) for the risks.
  const data: Estimate = { estimate: 0.05, variance: 0.03571589282098377 ** 2 };
  const prior = { mean: 0, variance: 0.09 };

  it('shrinks toward 0 and narrows', () => {
    const post = posterior(data, prior);
    expectRelative(post.mean, 0.04930122362898091, 1e-12);
    expectRelative(Math.sqrt(post.variance), 0.035465440471455806, 1e-12);
  });
  it('gives chance to win 0.9177538 and risks 0.0506302 / 0.0013290', () => {
    const r = bayesianReadout(data, prior, 'increase', 0.05);
    expectRelative(r.chanceToWin, 0.9177538031300101, 1e-12);
    expectRelative(r.risk.control, 0.05063023239434953, 1e-10);
    expectRelative(r.risk.treatment, 0.0013290087653686372, 1e-9);
    expectRelative(r.ciLower, -0.02020976, 1e-6);
    expectRelative(r.ciUpper, 0.11881221, 1e-6);
  });
  it('is direction-aware: for a decrease metric, winning means a negative lift and the risks swap', () => {
    const up = bayesianReadout(data, prior, 'increase', 0.05);
    const down = bayesianReadout(data, prior, 'decrease', 0.05);
    expectRelative(down.chanceToWin, 0.08224619686998985, 1e-11); // scipy norm.cdf(0, m, s)
    expect(down.risk).toEqual({ control: up.risk.treatment, treatment: up.risk.control });
  });
});

describe('Bayesian degenerate inputs', () => {
  it('a zero-variance posterior is certain about its sign, and 50/50 at exactly 0', () => {
    expect(chanceToWin({ mean: 0.1, variance: 0 }, 'increase')).toBe(1);
    expect(chanceToWin({ mean: 0.1, variance: 0 }, 'decrease')).toBe(0);
    expect(chanceToWin({ mean: 0, variance: 0 }, 'increase')).toBe(0.5);
    expect(risk({ mean: 0.1, variance: 0 }, 'increase')).toEqual({ control: 0.1, treatment: 0 });
    expect(risk({ mean: 0, variance: 0 }, 'decrease')).toEqual({ control: 0, treatment: 0 });
  });
  it('a very certain posterior gives 0 risk without NaN', () => {
    const r = risk({ mean: 1, variance: 1e-6 }, 'increase');
    expect(r.treatment).toBe(0);
    expectRelative(r.control, 1, 1e-12);
  });
});

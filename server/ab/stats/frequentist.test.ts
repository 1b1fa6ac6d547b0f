import { describe, expect, it } from 'vitest';
import { absoluteEffect, relativeEffect, type Estimate } from './effects';
import { welchDegreesOfFreedom, welchTTest } from './frequentist';
import { summarizeMean, summarizeProportion } from './sufficient-stats';
import { expectRelative } from './testing/expect-relative';
import type { VariantSummary } from './types';

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const fromData = (x: number[]) => summarizeMean({ n: x.length, sum: sum(x), sumSquares: sum(x.map((v) => v * v)) });
const estimate = (e: ReturnType<typeof absoluteEffect>): Estimate => {
  if (e.estimate === null) throw new Error(e.reason);
  return e;
};

describe("Welch's t-test on raw data", () => {
  // Data of Example 1 in Wikipedia's "Welch's t-test" article (which reports t = −2.46, ν ≈ 24.99,
  // p = 0.021). Exact values from scipy 1.17.1: ttest_ind(a2, a1, equal_var=False) gives
  // statistic 2.455356398286006, df 24.988529290231416, pvalue 0.021378001462866992 and
  // confidence_interval(0.95) = (0.3492370661924069, 3.984096267140929).
  const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
  const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
  const control = fromData(a1);
  const treatment = fromData(a2);

  it('matches scipy.stats.ttest_ind(equal_var=False)', () => {
    const dof = welchDegreesOfFreedom(control, treatment) ?? NaN;
    expectRelative(dof, 24.988529290231416, 1e-11);
    const e = estimate(absoluteEffect(control, treatment));
    expectRelative(e.estimate / Math.sqrt(e.variance), 2.455356398286006, 1e-11);
    const r = welchTTest(e, dof, 0.05);
    expectRelative(r.pValue, 0.021378001462866992, 1e-10);
    expectRelative(r.ciLower, 0.3492370661924069, 1e-10);
    expectRelative(r.ciUpper, 3.984096267140929, 1e-10);
  });
});

describe('Welch t-test on gbstats fixtures', () => {
  // gbstats tests/frequentist/test_tests.py, TestTwoSidedTTest (values rounded to 5 decimals there).
  const control = summarizeMean({ n: 3407, sum: 1396.87, sumSquares: 52377.9767 });
  const treatment = summarizeMean({ n: 3461, sum: 2422.7, sumSquares: 134698.29 });
  const dof = welchDegreesOfFreedom(control, treatment) ?? NaN;

  it('relative: lift 0.70732, CI [−0.03526, 1.44989], p 0.06191', () => {
    const r = welchTTest(estimate(relativeEffect(control, treatment)), dof, 0.05);
    expect(r.ciLower).toBeCloseTo(-0.03526, 5);
    expect(r.ciUpper).toBeCloseTo(1.44989, 5);
    expect(r.pValue).toBeCloseTo(0.06191, 5);
  });
  it('absolute: 0.29, CI [0.04538, 0.53462], p 0.02016', () => {
    const r = welchTTest(estimate(absoluteEffect(control, treatment)), dof, 0.05);
    expect(r.ciLower).toBeCloseTo(0.04538, 5);
    expect(r.ciUpper).toBeCloseTo(0.53462, 5);
    expect(r.pValue).toBeCloseTo(0.02016, 5);
  });
  it('binomial 14/28 vs 16/30: lift 0.06667, CI [−0.47767, 0.61101], p 0.80707', () => {
    const c = summarizeProportion({ n: 28, sum: 14, sumSquares: 14 });
    const t = summarizeProportion({ n: 30, sum: 16, sumSquares: 16 });
    const r = welchTTest(estimate(relativeEffect(c, t)), welchDegreesOfFreedom(c, t) ?? NaN, 0.05);
    expect(r.standardError).toBeCloseTo(0.2717, 5);
    expect(r.ciLower).toBeCloseTo(-0.47767, 5);
    expect(r.ciUpper).toBeCloseTo(0.61101, 5);
    expect(r.pValue).toBeCloseTo(0.80707, 5);
  });
});

describe('tiny p-values', () => {
  it('stay tiny instead of rounding to 0: t = 40 at ν = 1000 gives p = 2·5.24e-210', () => {
    // mpmath 1.3.0 (40 digits): P(T > 40; ν = 1000) = 5.2394260775866804698e-210.
    const r = welchTTest({ estimate: 40, variance: 1 }, 1000, 0.05);
    expectRelative(r.pValue, 2 * 5.2394260775866807e-210, 1e-12);
    expect(r.pValue).toBeGreaterThan(0);
  });
});

describe('degenerate inputs', () => {
  const constant = (n: number, mean: number): VariantSummary => ({ n, mean, variance: 0, flag: null });

  it('zero variance in both arms: a real difference is certain (p = 0, CI is the point)', () => {
    const e = estimate(absoluteEffect(constant(50, 1), constant(50, 3)));
    expect(welchTTest(e, welchDegreesOfFreedom(constant(50, 1), constant(50, 3)) ?? NaN, 0.05)).toEqual({ pValue: 0, ciLower: 2, ciUpper: 2, standardError: 0 });
  });
  it('zero variance and no difference (all-zero data): p = 1, CI [0, 0]', () => {
    const e = estimate(absoluteEffect(constant(50, 0), constant(50, 0)));
    expect(welchTTest(e, Infinity, 0.05)).toEqual({ pValue: 1, ciLower: 0, ciUpper: 0, standardError: 0 });
  });
  it('one constant arm: the degrees of freedom come from the other arm alone (nt − 1)', () => {
    expect(welchDegreesOfFreedom(constant(40, 1), { n: 25, mean: 2, variance: 4, flag: null })).toBeCloseTo(24, 12);
  });
  it('n = 1 in an arm: no degrees of freedom (the variance is unknown, not 0)', () => {
    expect(welchDegreesOfFreedom(summarizeMean({ n: 1, sum: 3, sumSquares: 9 }), constant(10, 1))).toBeNull();
  });
  it('rejects alpha outside (0, 1)', () => {
    expect(() => welchTTest({ estimate: 1, variance: 1 }, 10, 0)).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { normalQuantileUpper, normalSf } from './distributions/normal';
import { studentTQuantileUpper, studentTSf } from './distributions/student-t';
import { relativeEffect, type Estimate } from './effects';
import { sequentialHalfWidth, sequentialPValue, sequentialRho, sequentialTest } from './sequential';
import { summarizeMean, summarizeProportion } from './sufficient-stats';
import { expectRelative } from './testing/expect-relative';

describe('sequential formulas on a worked example', () => {
  // α = 0.05, τ = 5000, N = 10,000 units in the comparison, estimate 0.03 with standard error 0.01.
  // By hand: −2 ln α = 5.991465, ln(5.991465 + 1) = 1.944691, ρ² = 7.936156/5000 = 0.00158723,
  // ρ = 0.0398401; Nρ² = 15.872312;
  // half-width = 0.01·√(2·16.872312/15.872312 · ln(√16.872312/0.05)) = 0.01·√(2.126013·4.408556) = 0.0306148;
  // p = √16.872312 · exp(−15.872312·3²/(2·16.872312)) = 4.107592·0.0145046 = 0.0595789.
  // Full-precision values from an independent numpy 2.4.6 implementation of the gbstats formulas.
  it('matches the hand computation', () => {
    expectRelative(sequentialRho(0.05, 5000), 0.03984006677137368, 1e-14);
    expectRelative(sequentialHalfWidth(0.01, 10_000, 0.05, 5000), 0.030614772188674165, 1e-13);
    expectRelative(sequentialPValue(0.03, 0.01, 10_000, 0.05, 5000), 0.05957889248313889, 1e-13);
  });
  it('is not significant where the fixed-horizon z-test (p = 0.0027) would be: the price of peeking safely', () => {
    const r = sequentialTest({ estimate: 0.03, variance: 0.0001 }, 10_000, 0.05, 5000);
    expect(r.ciLower).toBeLessThan(0);
    expect(r.pValue).toBeGreaterThan(0.05);
    expect(2 * normalSf(3)).toBeLessThan(0.003);
  });
});

describe('sequential test on gbstats fixtures', () => {
  // gbstats tests/frequentist/test_tests.py, TestSequentialTTest (rounded to 5 decimals there).
  it('test_sequential_test_runs (τ = 1000): lift 0.50336, CI [−0.55844, 1.56516], p = 1', () => {
    const c = summarizeMean({ n: 3000, sum: 1396.87, sumSquares: 52377.9767 });
    const t = summarizeMean({ n: 3461, sum: 2422.7, sumSquares: 134698.29 });
    const e = relativeEffect(c, t) as Estimate;
    const r = sequentialTest(e, 3000 + 3461, 0.05, 1000);
    expect(e.estimate).toBeCloseTo(0.50336, 5);
    expect(r.standardError).toBeCloseTo(0.33341, 5);
    expect(r.ciLower).toBeCloseTo(-0.55844, 5);
    expect(r.ciUpper).toBeCloseTo(1.56516, 5);
    expect(r.pValue).toBe(1);
  });
  it('test_sequential_test_runs_prop (τ = 5000): lift 0.50386, CI [0.40098, 0.60675], p rounds to 0', () => {
    const c = summarizeProportion({ n: 3000, sum: 1396, sumSquares: 1396 });
    const t = summarizeProportion({ n: 3461, sum: 2422, sumSquares: 2422 });
    const r = sequentialTest(relativeEffect(c, t) as Estimate, 3000 + 3461, 0.05, 5000);
    expect(r.standardError).toBeCloseTo(0.03386, 5);
    expect(r.ciLower).toBeCloseTo(0.40098, 5);
    expect(r.ciUpper).toBeCloseTo(0.60675, 5);
    expect(r.pValue).toBeLessThan(5e-6);
  });
});

describe('sequential versus fixed horizon', () => {
  const alphas = [0.001, 0.01, 0.05, 0.1, 0.2, 0.45];
  const tunings = [100, 1000, 5000, 1e5, 1e7];
  const sizes: number[] = [];
  for (let n = 100; n <= 1e9; n = Math.ceil(n * 1.5)) sizes.push(n);

  it('the confidence sequence is always wider than the fixed-horizon Welch interval (N ≥ 100)', () => {
    for (const alpha of alphas) for (const tau of tunings) for (const n of sizes) {
      const seq = sequentialHalfWidth(1, n, alpha, tau);
      expect(seq).toBeGreaterThan(studentTQuantileUpper(alpha / 2, n - 2));
      expect(seq).toBeGreaterThan(normalQuantileUpper(alpha / 2));
    }
  });
  it('its p-value is conservative: never below the fixed-horizon one', () => {
    for (const alpha of alphas) for (const tau of tunings) for (const n of sizes) for (let z = 0; z <= 12; z += 0.25) {
      const seq = sequentialPValue(z, 1, n, alpha, tau);
      expect(seq).toBeGreaterThanOrEqual(Math.min(1, 2 * normalSf(z)));
      // Against the exact t p-value too, over the range where decisions are made (p ≥ 1e-6): the
      // asymptotic sequence can undercut a small-ν t in the extreme tail, which no decision depends on.
      const t = Math.min(1, 2 * studentTSf(z, n - 2));
      if (t >= 1e-6) expect(seq).toBeGreaterThanOrEqual(t);
    }
  });
  it('p < α exactly when the sequence excludes 0 (the p-value inverts the interval)', () => {
    for (const z of [1, 2.5, 3, 3.1, 3.5, 5]) {
      const r = sequentialTest({ estimate: z * 0.01, variance: 1e-4 }, 10_000, 0.05, 5000);
      expect(r.pValue < 0.05).toBe(r.ciLower > 0);
    }
  });
  it('is narrowest near N = τ (gbstats test_sequential_test_tuning_as_expected)', () => {
    const near = sequentialHalfWidth(1, 6461, 0.05, 6461);
    expect(near).toBeLessThan(sequentialHalfWidth(1, 6461, 0.05, 10));
    expect(near).toBeLessThan(sequentialHalfWidth(1, 6461, 0.05, 10_000));
  });
});

describe('sequential degenerate inputs', () => {
  it('zero standard error follows the fixed-horizon rule', () => {
    expect(sequentialTest({ estimate: 0.2, variance: 0 }, 100, 0.05, 5000)).toEqual({ pValue: 0, ciLower: 0.2, ciUpper: 0.2, standardError: 0 });
    expect(sequentialTest({ estimate: 0, variance: 0 }, 100, 0.05, 5000).pValue).toBe(1);
  });
  it('rejects a non-positive tuning', () => {
    expect(() => sequentialRho(0.05, 0)).toThrow(RangeError);
  });
});

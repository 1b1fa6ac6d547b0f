import { describe, expect, it } from 'vitest';
import { binomialTreatmentVariance, requiredSampleSizePerVariant, requiredSampleSizePerVariantSequential, sampleProgress, sequentialInflationFactor } from './power';
import { sequentialHalfWidth } from './sequential';
import { expectRelative } from './testing/expect-relative';

// Baseline 10% conversion, 5% relative MDE (10% → 10.5%), two-sided α = 0.05, power 0.8.
const conversion = {
  baselineMean: 0.1,
  baselineVariance: 0.1 * 0.9,
  treatmentVariance: binomialTreatmentVariance(0.1, 0.05),
  relativeMde: 0.05,
  alpha: 0.05,
  power: 0.8,
};

describe('requiredSampleSizePerVariant', () => {
  it('needs 57,760 units per variant for 10% → 10.5%', () => {
    // The unpooled two-proportion formula (z(0.975) + z(0.8))²·(p1q1 + p2q2)/(p2 − p1)²; scipy 1.17.1:
    // (norm.isf(0.025) + norm.isf(0.2))**2 * (0.1·0.9 + 0.105·0.895) / 0.005**2 = 57759.905965074955.
    expect(binomialTreatmentVariance(0.1, 0.05)).toBeCloseTo(0.105 * 0.895, 15);
    expect(requiredSampleSizePerVariant(conversion)).toBe(57_760);
  });
  it('sizes a mean metric: mean 10, sd 5, 10% MDE → 393 per variant', () => {
    // scipy 1.17.1: (norm.isf(0.025) + norm.isf(0.2))**2 · (25 + 25) / 1² = 392.44398671745455.
    expect(requiredSampleSizePerVariant({ baselineMean: 10, baselineVariance: 25, relativeMde: 0.1, alpha: 0.05, power: 0.8 })).toBe(393);
  });
  it('is undefined for a zero baseline (no relative change exists) or no variance', () => {
    expect(requiredSampleSizePerVariant({ ...conversion, baselineMean: 0 })).toBeNull();
    expect(requiredSampleSizePerVariant({ baselineMean: 5, baselineVariance: 0, relativeMde: 0.1, alpha: 0.05, power: 0.8 })).toBeNull();
  });
  it('rejects nonsense inputs', () => {
    expect(() => requiredSampleSizePerVariant({ ...conversion, power: 1 })).toThrow(RangeError);
    expect(() => requiredSampleSizePerVariant({ ...conversion, relativeMde: 0 })).toThrow(RangeError);
  });
});

describe('sequential planning', () => {
  it('inflates the half-width by 1.7128× at the planned N = 2 × 57,760 for τ = 5000', () => {
    // numpy 2.4.6 implementation of the gbstats half-width divided by norm.isf(0.025): 1.7127879209686347.
    expectRelative(sequentialInflationFactor(2 * 57_760, 0.05, 5000), 1.7127879209686347, 1e-12);
  });
  it('needs 137,336 units per variant for the same conversion plan, the smallest n that fits', () => {
    // Independent numpy 2.4.6 doubling + bisection on (m(2n) + z(0.8))·√((p1q1 + p2q2)/n) ≤ 0.005: 137336.
    const n = requiredSampleSizePerVariantSequential(conversion, 5000) ?? NaN;
    expect(n).toBe(137_336);
    const fits = (k: number) => (sequentialHalfWidth(1, 2 * k, 0.05, 5000) + 0.8416212335729143) * Math.sqrt((0.09 + 0.105 * 0.895) / k) <= 0.005;
    expect(fits(n)).toBe(true);
    expect(fits(n - 1)).toBe(false);
  });
  it('is never smaller than the fixed-horizon plan', () => {
    for (const mde of [0.01, 0.05, 0.2, 1]) for (const tau of [100, 5000, 1e6]) {
      const input = { ...conversion, relativeMde: mde, treatmentVariance: binomialTreatmentVariance(0.1, mde) };
      expect(requiredSampleSizePerVariantSequential(input, tau) ?? 0).toBeGreaterThanOrEqual(requiredSampleSizePerVariant(input) ?? Infinity);
    }
  });
});

describe('sampleProgress', () => {
  it('is the smallest variant over the target, capped at 1', () => {
    expect(sampleProgress([500, 250, 400], 1000)).toBe(0.25);
    expect(sampleProgress([5000, 4000], 1000)).toBe(1);
    expect(sampleProgress([10, 10], 0)).toBe(1);
  });
});

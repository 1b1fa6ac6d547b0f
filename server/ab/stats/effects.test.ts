import { describe, expect, it } from 'vitest';
import { absoluteEffect, relativeEffect } from './effects';
import { summarizeMean } from './sufficient-stats';
import { expectRelative } from './testing/expect-relative';

// gbstats tests/frequentist/test_tests.py (test_two_sided_ttest / _absolute): control 0.41 ± 3.9 over
// 3,407 units, treatment 0.70 ± 6.2 over 3,461 units.
const control = summarizeMean({ n: 3407, sum: 1396.87, sumSquares: 52377.9767 });
const treatment = summarizeMean({ n: 3461, sum: 2422.7, sumSquares: 134698.29 });

describe('absoluteEffect', () => {
  it('is μt − μc with variance σt²/nt + σc²/nc (gbstats expected se 0.12478)', () => {
    const e = absoluteEffect(control, treatment);
    expect(e.estimate).toBeCloseTo(0.29, 12);
    expect(Math.sqrt(e.variance ?? NaN)).toBeCloseTo(0.12478, 5);
  });
  it('is undefined without units', () => {
    expect(absoluteEffect({ n: 0, mean: 0, variance: 0, flag: 'no_units' }, treatment)).toEqual({ estimate: null, variance: null, reason: 'a variant has no units yet' });
  });
});

describe('relativeEffect', () => {
  it('uses the delta-method variance (gbstats expected lift 0.70732, se 0.37879)', () => {
    const e = relativeEffect(control, treatment);
    expect(e.estimate).toBeCloseTo(0.70732, 5);
    expect(Math.sqrt(e.variance ?? NaN)).toBeCloseTo(0.37879, 5);
  });
  it('divides by |μc| so a negative control keeps the sign of the change', () => {
    const c = { n: 100, mean: -2, variance: 1, flag: null };
    const t = { n: 100, mean: -1, variance: 1, flag: null };
    const e = relativeEffect(c, t);
    expect(e.estimate).toBe(0.5);
    // σt²/(nt·μc²) + σc²·μt²/(nc·μc⁴) = 1/400 + 1/1600
    expectRelative(e.variance, 1 / 400 + 1 / 1600, 1e-15);
  });
  it('returns null with a reason, never NaN or Infinity, for a zero control mean', () => {
    const zero = { n: 100, mean: 0, variance: 0, flag: null };
    const e = relativeEffect(zero, treatment);
    expect(e).toEqual({ estimate: null, variance: null, reason: 'the control mean is 0, so a relative change is undefined' });
  });
});

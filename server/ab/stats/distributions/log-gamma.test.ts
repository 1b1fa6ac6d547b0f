import { describe, expect, it } from 'vitest';
import { expectRelative } from '../testing/expect-relative';
import { logBeta, logGamma } from './log-gamma';

describe('logGamma', () => {
  it('matches scipy.special.gammaln (scipy 1.17.1)', () => {
    expectRelative(logGamma(0.5), 0.5723649429247, 1e-14); // ln √π
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expectRelative(logGamma(10.3), 13.482036786138359, 1e-14);
    expectRelative(logGamma(1e6), 12815504.569147611, 1e-14);
    expectRelative(logGamma(0.01), 4.599479878042022, 1e-14); // reflection branch
    expectRelative(logGamma(3.7), 1.428072326665388, 1e-14);
  });
  it('is exact on factorials: Γ(n + 1) = n!', () => {
    expectRelative(logGamma(11), Math.log(3628800), 1e-14);
  });
  it('rejects x ≤ 0', () => {
    expect(() => logGamma(0)).toThrow(RangeError);
  });
});

describe('logBeta', () => {
  // References: mpmath 1.3.0 at 40 digits, log(beta(a, 0.5)), rounded to the nearest double.
  it('keeps absolute accuracy when one argument is huge (t-distribution with many degrees of freedom)', () => {
    expect(Math.abs(logBeta(5e3, 0.5) - -3.6862066527834605)).toBeLessThan(1e-14);
    expect(Math.abs(logBeta(5e7, 0.5) - -8.29140183627151)).toBeLessThan(1e-14);
    expect(Math.abs(logBeta(5e8, 0.5) - -9.442694385018532)).toBeLessThan(1e-14);
    expect(Math.abs(logBeta(15, 0.5) - -0.773328365452232)).toBeLessThan(1e-14);
  });
  it('is symmetric and agrees with the gamma-function definition for small arguments', () => {
    expect(logBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 14);
    expect(logBeta(0.5, 20)).toBe(logBeta(20, 0.5));
  });
});

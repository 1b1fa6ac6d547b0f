import { describe, expect, it } from 'vitest';
import { expectRelative } from '../testing/expect-relative';
import { chiSquaredSf } from './chi-squared';

describe('chiSquaredSf', () => {
  // References: scipy.stats.chi2.sf, scipy 1.17.1.
  it.each([
    [10.1010101010101, 1, 0.0014818807747203882], // the 50,000 vs 49,000 SRM statistic
    [3, 4, 0.5578254003710748],
    [0.5, 2, 0.7788007830714049], // = e^(−1/4) exactly for k = 2
    [100, 3, 1.5541594313896026e-21], // far tail: computed directly, not as 1 − cdf
    [1e-3, 1, 0.9747728793699604],
    [50, 50, 0.47339846855634937],
  ])('χ²(%s; k = %s)', (x, k, expected) => {
    expectRelative(chiSquaredSf(x, k), expected, 1e-12);
  });
  it('is 1 at and below 0', () => {
    expect(chiSquaredSf(0, 3)).toBe(1);
  });
});

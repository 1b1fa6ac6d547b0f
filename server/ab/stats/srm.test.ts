import { describe, expect, it } from 'vitest';
import { SRM_MIN_UNITS, srmCheck } from './srm';
import { expectRelative } from './testing/expect-relative';

describe('srmCheck', () => {
  it('50,000 vs 49,000 on a 50/50 split: χ² = 10.10, p = 0.00148, above the 0.001 threshold, so not flagged', () => {
    // scipy 1.17.1: chisquare([50000, 49000], [49500, 49500]) → statistic 10.1010101010101, pvalue 0.0014818807747203882.
    const r = srmCheck([50_000, 49_000], [0.5, 0.5]);
    expectRelative(r.chiSquared, 10.1010101010101, 1e-13);
    expectRelative(r.pValue, 0.0014818807747203882, 1e-12);
    expect(r.status).toBe('ok');
    expect(r.expectedShare).toEqual([0.5, 0.5]);
  });
  it('flags a three-way 5,000 / 4,800 / 5,250 split of equal weights (p = 3.98e-5)', () => {
    // scipy 1.17.1: chisquare([5000, 4800, 5250], 15050/3 each) → 20.265780730897013, p 3.975041147089283e-05.
    const r = srmCheck([5000, 4800, 5250], [1, 1, 1]);
    expectRelative(r.chiSquared, 20.265780730897013, 1e-12);
    expectRelative(r.pValue, 3.975041147089283e-5, 1e-11);
    expect(r.status).toBe('mismatch');
  });
  it('respects unequal weights', () => {
    // scipy 1.17.1: chisquare([10000, 10000, 20500], [0.25, 0.25, 0.5]·40500) → 6.172839506172839, p 0.04566515461063025.
    const r = srmCheck([10_000, 10_000, 20_500], [0.25, 0.25, 0.5]);
    expectRelative(r.pValue, 0.04566515461063025, 1e-12);
    expect(r.status).toBe('ok');
  });
  it('says "not enough data" until every variant has 8 units, even for a lopsided split', () => {
    expect(SRM_MIN_UNITS).toBe(8);
    const early = srmCheck([7, 200], [0.5, 0.5]);
    expect(early.pValue).toBeLessThan(0.001);
    expect(early.status).toBe('not_enough_data');
    expect(srmCheck([8, 200], [0.5, 0.5]).status).toBe('mismatch');
    expect(srmCheck([0, 0], [0.5, 0.5])).toMatchObject({ pValue: null, status: 'not_enough_data' });
  });
  it('rejects mismatched lengths and non-positive weights', () => {
    expect(() => srmCheck([1, 2], [1])).toThrow(RangeError);
    expect(() => srmCheck([1, 2], [1, 0])).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { expectRelative } from '../testing/expect-relative';
import { erfc, normalCdf, normalQuantile, normalQuantileUpper, normalSf } from './normal';

describe('erfc', () => {
  // References: scipy.special.erfc (scipy 1.17.1); erfc(27) from mpmath 1.3.0 (scipy flushes it to 0).
  it.each([
    [0.1, 0.8875370839817152],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028516],
    [2, 0.004677734981047266],
    [5, 1.5374597944280347e-12],
    [10, 2.0884875837625446e-45],
    [27, 5.23705e-319],
  ])('erfc(%s)', (x, expected) => {
    expectRelative(erfc(x), expected, x === 27 ? 1e-3 : 1e-13); // 5e-319 is subnormal: only ~5 digits exist
  });
  it('reflects for negative x', () => {
    expectRelative(erfc(-1), 2 - 0.15729920705028516, 1e-15);
  });
});

describe('normalSf / normalCdf', () => {
  // References: scipy.stats.norm.sf (scipy 1.17.1); z = 30 and 37 from mpmath 1.3.0 (40 digits, rounded to the nearest double).
  it.each([
    [1.96, 0.024997895148220435],
    [5, 2.866515718791933e-07],
    [10, 7.61985302416047e-24],
    [30, 4.906713927148187e-198],
    [37, 5.725571222524577e-300],
    [-2, 0.9772498680518208],
  ])('P(Z > %s)', (z, expected) => {
    expectRelative(normalSf(z), expected, 1e-12);
  });
  it('keeps the lower tail exact in the CDF', () => {
    expectRelative(normalCdf(-10), 7.61985302416047e-24, 1e-12);
  });
});

describe('normalQuantile', () => {
  // References: scipy.stats.norm.ppf / isf (scipy 1.17.1).
  it.each([
    [0.975, 1.959963984540054],
    [0.8, 0.8416212335729143],
    [1e-10, -6.361340902404056],
    [1e-300, -37.0470962993612],
    [0.999999, 4.753424308817087],
    [0.02425, -1.972961051311885], // Acklam's region boundary
    [0.3, -0.5244005127080409],
    [0.0001, -3.7190164854556804],
  ])('Φ⁻¹(%s)', (p, expected) => {
    expectRelative(normalQuantile(p), expected, 1e-14);
  });
  it('is 0 at ½ and ±∞ at the ends', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
  });
  it('gives upper-tail quantiles without forming 1 − q', () => {
    expectRelative(normalQuantileUpper(0.025), 1.9599639845400545, 1e-14);
    expectRelative(normalQuantileUpper(1e-20), 9.262340089798409, 1e-14);
  });
  it('inverts normalSf', () => {
    for (const q of [0.4, 0.05, 1e-5, 1e-50]) expectRelative(normalSf(normalQuantileUpper(q)), q, 1e-13);
  });
});

import { describe, expect, it } from 'vitest';
import { expectRelative } from '../testing/expect-relative';
import { studentTCdf, studentTPdf, studentTQuantileUpper, studentTSf } from './student-t';

describe('studentTSf', () => {
  // References: mpmath 1.3.0 at 40 digits (rounded to the nearest double), ½·betainc(ν/2, ½, 0, ν/(ν+t²)) (scipy.stats.t.sf agrees
  // to < 1e-14 on every case).
  it.each([
    [0.5, 1, 0.35241638234956674], // Cauchy: ½ − atan(0.5)/π
    [1.96, 5, 0.05364397625264709],
    [2.5, 10, 0.015723422118304402],
    [5.2, 18.3, 2.8647600246306037e-05], // fractional Welch degrees of freedom
    [-1.3, 7.5, 0.8839366105921956],
    [3, 1e4, 0.0013532240949988331],
    [10, 3, 0.0010641995292070751],
    [1, 1e7, 0.15865526602999297],
    [0.1, 0.5, 0.4731658105643032],
    [2, 2.5, 0.078695747878983],
    [4, 1e8, 3.167126458426411e-05], // Hill's large-ν branch
    [1.5, 1e9, 0.06680720142670764],
  ])('P(T > %s) with ν = %s', (t, dof, expected) => {
    expectRelative(studentTSf(t, dof), expected, 1e-12);
  });

  it('keeps a tiny p-value tiny: t = 40 at ν = 1000 gives 5.24e-210, not 0', () => {
    // mpmath 1.3.0 (40 digits): 5.2394260775866807e-210; scipy.stats.t.sf(40, 1000) = 5.239426077586636e-210.
    expectRelative(studentTSf(40, 1000), 5.2394260775866807e-210, 1e-12);
  });

  it('is symmetric and exact at 0 and ±∞', () => {
    expect(studentTSf(0, 7)).toBe(0.5);
    expect(studentTSf(Infinity, 7)).toBe(0);
    expectRelative(studentTCdf(-2.5, 10), 0.015723422118304402, 1e-12);
    expect(studentTSf(1.7, Infinity)).toBeCloseTo(0.044565462758543, 14); // the normal limit (scipy norm.sf(1.7))
  });

  it('rejects non-positive degrees of freedom', () => {
    expect(() => studentTSf(1, 0)).toThrow(RangeError);
  });
});

describe('studentTPdf', () => {
  // References: scipy.stats.t.pdf, scipy 1.17.1.
  it('matches scipy', () => {
    expectRelative(studentTPdf(2, 3), 0.06750966066389291, 1e-13);
    expectRelative(studentTPdf(0, 5), 0.3796066898224944, 1e-13);
    expectRelative(studentTPdf(-3, 12), 0.010283130187832801, 1e-13);
  });
});

describe('studentTQuantileUpper', () => {
  // References: scipy.stats.t.isf(q, ν), scipy 1.17.1; the ν = 1e7 case from mpmath 1.3.0 (findroot on the sf).
  it.each([
    [0.025, 1, 12.706204736174705], // the textbook t(0.975, 1)
    [0.025, 2.5, 3.5746548420036834],
    [0.025, 10, 2.2281388519862753], // the textbook t(0.975, 10) = 2.228
    [0.025, 5906.6, 1.960365696042206],
    [0.0005, 3, 12.923978636687481],
    [1e-6, 50, 5.376673401740478],
    [0.1, 1.7, 2.041349758625524],
    [1e-12, 4, 1316.0727465592565],
    [0.025, 1e7, 1.9599642217672055],
    [0.4, 3, 0.2766706623326898],
    [1e-100, 1000, 23.930617087826437],
  ])('t with P(T > t) = %s, ν = %s', (q, dof, expected) => {
    expectRelative(studentTQuantileUpper(q, dof), expected, 1e-13);
  });
  it('is odd around ½ and infinite at the ends', () => {
    expect(studentTQuantileUpper(0.5, 4)).toBe(0);
    expectRelative(studentTQuantileUpper(0.975, 10), -2.2281388519862753, 1e-13);
    expect(studentTQuantileUpper(0, 4)).toBe(Infinity);
  });
});

import { describe, it } from 'vitest';
import { expectRelative } from '../testing/expect-relative';
import { regularizedIncompleteBeta } from './incomplete-beta';

describe('regularizedIncompleteBeta', () => {
  // References: scipy.special.betainc, scipy 1.17.1.
  it.each([
    [2, 3, 0.4, 0.5248],
    [0.5, 0.5, 0.1, 0.20483276469913345],
    [10, 0.5, 0.99, 0.6579281751567845],
    [500, 0.5, 0.3846153846153846, 1.0478852155172514e-209],
    [1.5, 7.25, 0.02, 0.04048826395122292],
  ])('I_x(a=%s, b=%s) at x=%s', (a, b, x, expected) => {
    expectRelative(regularizedIncompleteBeta(x, a, b), expected, 1e-12);
  });
});

import { describe, expect, it } from 'vitest';
import { expectRelative } from '../testing/expect-relative';
import { regularizedGammaP, regularizedGammaQ } from './incomplete-gamma';

describe('regularized incomplete gamma', () => {
  // References: scipy.special.gammainc / gammaincc, scipy 1.17.1.
  it.each([
    [0.5, 0.3, 0.5614219739190003, 0.4385780260809997],
    [0.5, 4.0, 0.9953222650189527, 0.004677734981047276],
    [3, 2.5, 0.45618688411667035, 0.5438131158833297],
    [10, 25, 0.9997785233617512, 0.0002214766382487835],
    [2.5, 0.01, 2.9876015319066003e-06, 0.999997012398468],
  ])('P(%s, %s) and Q', (a, x, p, q) => {
    expectRelative(regularizedGammaP(a, x), p, 1e-13);
    expectRelative(regularizedGammaQ(a, x), q, 1e-13);
  });
  it('handles the end points', () => {
    expect(regularizedGammaP(2, 0)).toBe(0);
    expect(regularizedGammaQ(2, 0)).toBe(1);
    expect(regularizedGammaQ(2, Infinity)).toBe(0);
    expect(() => regularizedGammaQ(0, 1)).toThrow(RangeError);
  });
});

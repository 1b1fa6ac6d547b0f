import { expect } from 'vitest';

/**
 * |actual − expected| ≤ tol·|expected|. Reference values span 1e-210 to 1e3, so vitest's
 * toBeCloseTo (absolute decimal places) cannot express "agrees to 12 significant digits".
 */
export function expectRelative(actual: number | null | undefined, expected: number, tol = 1e-12): void {
  expect(actual).not.toBeNull();
  expect(actual).toBeTypeOf('number');
  const a = actual as number;
  const err = Math.abs(a - expected);
  if (err > tol * Math.abs(expected)) {
    expect.fail(`expected ${a} to be within relative ${tol} of ${expected} (relative error ${(err / Math.abs(expected)).toExponential(2)})`);
  }
}

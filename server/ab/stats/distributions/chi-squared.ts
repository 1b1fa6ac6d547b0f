import { regularizedGammaQ } from './incomplete-gamma';

/** P(X > x) for X ~ χ²(k): Q(k/2, x/2), computed directly so small p-values keep their digits. */
export function chiSquaredSf(x: number, k: number): number {
  if (!(k > 0)) throw new RangeError(`χ² degrees of freedom must be positive (got ${k})`);
  if (Number.isNaN(x)) throw new RangeError('χ² statistic is NaN');
  if (x <= 0) return 1;
  return regularizedGammaQ(k / 2, x / 2);
}

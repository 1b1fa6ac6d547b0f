import { logBeta } from './log-gamma';

/**
 * Regularized incomplete beta I_x(a, b) (Numerical Recipes §6.4): the continued fraction evaluated
 * with the modified Lentz method on whichever side of the mean it converges fast, so the small tail
 * is computed directly rather than as 1 − (something near 1).
 */

const EPS = 1e-16;
const TINY = 1e-300;
// Convergence takes O(√max(a, b)) terms; this covers a, b up to ~1e9.
const MAX_ITER = 200_000;

function continuedFraction(a: number, b: number, x: number, y: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  // 1 − (a+b)x/(a+1) rewritten with y = 1 − x: for x near 1 (large ν) the direct form cancels
  // catastrophically (1e-9 relative error at ν = 1e8), this one does not.
  let d = (1 - b + qab * y) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return h;
  }
  throw new Error(`incomplete beta continued fraction did not converge (a=${a}, b=${b}, x=${x})`);
}

/**
 * I_x(a, b) given x and y = 1 − x together with their logs. Callers that can form y and the logs
 * without cancellation (the t-distribution: x = ν/(ν+t²), y = t²/(ν+t²)) pass them in exactly.
 */
export function incompleteBetaParts(a: number, b: number, x: number, y: number, logX: number, logY: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const logFront = a * logX + b * logY - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * continuedFraction(a, b, x, y)) / a;
  return 1 - (Math.exp(logFront) * continuedFraction(b, a, y, x)) / b;
}

export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`incomplete beta needs a, b > 0 (got ${a}, ${b})`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incomplete beta needs 0 ≤ x ≤ 1 (got ${x})`);
  return incompleteBetaParts(a, b, x, 1 - x, Math.log(x), Math.log1p(-x));
}

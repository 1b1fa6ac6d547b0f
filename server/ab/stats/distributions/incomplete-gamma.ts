import { logGamma } from './log-gamma';

/**
 * Regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x) (Numerical Recipes §6.2):
 * the power series for x < a + 1, Lentz's continued fraction otherwise. Each is evaluated directly in
 * the region where it converges fast, so Q stays accurate in the far tail (no 1 − P underflow).
 */

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITER = 10_000;

function logPrefactor(a: number, x: number): number {
  return a * Math.log(x) - x - logGamma(a);
}

/** P(a, x) by its series, valid (and fast) for x < a + 1. */
function seriesP(a: number, x: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let i = 0; i < MAX_ITER; i++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(logPrefactor(a, x));
}

/** Q(a, x) by its continued fraction (modified Lentz), valid (and fast) for x ≥ a + 1. */
function continuedFractionQ(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logPrefactor(a, x)) * h;
}

function check(a: number, x: number): void {
  if (!(a > 0) || !(x >= 0) || !Number.isFinite(a)) throw new RangeError(`incomplete gamma needs a > 0 and x ≥ 0 (got a=${a}, x=${x})`);
}

export function regularizedGammaP(a: number, x: number): number {
  check(a, x);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? seriesP(a, x) : 1 - continuedFractionQ(a, x);
}

export function regularizedGammaQ(a: number, x: number): number {
  check(a, x);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - seriesP(a, x) : continuedFractionQ(a, x);
}

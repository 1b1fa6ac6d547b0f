import { regularizedGammaP, regularizedGammaQ } from './incomplete-gamma';

/**
 * Standard normal distribution: erfc, survival function, CDF, density and quantile.
 * erfc(x) = Q(½, x²) reuses the incomplete gamma code, whose continued fraction keeps full
 * relative precision deep in the tail (normalSf(30) ≈ 4.9e-198 rather than 0).
 */

export const SQRT_2PI = 2.5066282746310002;
const HALF_LN_2PI = 0.9189385332046728;

export function erfc(x: number): number {
  if (Number.isNaN(x)) throw new RangeError('erfc of NaN');
  if (x === 0) return 1;
  if (x < 0) return 2 - erfc(-x);
  if (x === Infinity) return 0;
  const x2 = x * x;
  // Below x² = 1.5 the series for P converges fast and erfc ≥ 0.08, so 1 − P loses nothing.
  return x2 < 1.5 ? 1 - regularizedGammaP(0.5, x2) : regularizedGammaQ(0.5, x2);
}

/** P(Z > z). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** P(Z ≤ z), computed from the lower tail so that a very negative z keeps its digits. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - HALF_LN_2PI);
}

// Acklam's rational approximation (relative error < 1.15e-9), refined below to full precision.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

function acklamLower(p: number): number {
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
}

/** Quantile for a lower-tail probability p ≤ ½: Acklam's start, then Halley steps on Φ(x) − p. */
function lowerQuantile(p: number): number {
  let x = acklamLower(p);
  for (let i = 0; i < 3; i++) {
    const e = normalCdf(x) - p;
    if (e === 0) break;
    // u = e / φ(x), formed in logs because φ(x) underflows for p near the smallest doubles.
    const u = Math.sign(e) * Math.exp(Math.log(Math.abs(e)) + 0.5 * x * x + HALF_LN_2PI);
    const next = x - u / (1 + 0.5 * x * u);
    if (next === x) break;
    x = next;
  }
  return x;
}

/** Φ⁻¹(p). For upper-tail quantiles prefer normalQuantileUpper(q), which avoids forming 1 − q. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must be in [0, 1] (got ${p})`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  return p <= 0.5 ? lowerQuantile(p) : -lowerQuantile(1 - p);
}

/** z such that P(Z > z) = q, e.g. normalQuantileUpper(α/2) for a two-sided critical value. */
export function normalQuantileUpper(q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`probability must be in [0, 1] (got ${q})`);
  if (q === 0) return Infinity;
  if (q === 1) return -Infinity;
  return q <= 0.5 ? -lowerQuantile(q) : lowerQuantile(1 - q);
}

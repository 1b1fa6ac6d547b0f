import { incompleteBetaParts } from './incomplete-beta';
import { logBeta } from './log-gamma';
import { normalPdf, normalQuantileUpper, normalSf } from './normal';

/**
 * Student's t distribution with real-valued degrees of freedom ν > 0 (Welch–Satterthwaite gives
 * fractional ν). The survival function is ½·I_{ν/(ν+t²)}(ν/2, ½), evaluated as a tail directly, so a
 * t of 40 at ν = 1000 gives a p-value near 1e-200 instead of 1 − cdf = 0.
 */

function checkDof(dof: number): void {
  if (!(dof > 0)) throw new RangeError(`degrees of freedom must be positive (got ${dof})`);
}

// Above this ν the beta continued fraction loses ~1e-17·ν of relative accuracy (its terms cancel
// when x = ν/(ν+t²) is within 1/ν of 1), while Hill's expansion is accurate to ~1e-13 and improving.
const LARGE_DOF = 20_000;

/**
 * Hill's normalising transformation for large ν (G. W. Hill, "Algorithm 395: Student's
 * t-distribution", Comm. ACM 13(10), 1970): P(T > t) = P(Z > z(t, ν)) for t ≥ 0.
 */
function hillUpperTail(t: number, dof: number): number {
  const a = dof - 0.5;
  const b = 48 * a * a;
  const y = a * Math.log1p((t * t) / dof);
  const z = (((((-0.4 * y - 3.3) * y - 24) * y - 85.5) / (0.8 * y * y + 100 + b) + y + 3) / b + 1) * Math.sqrt(y);
  return normalSf(z);
}

/** P(T > t). */
export function studentTSf(t: number, dof: number): number {
  checkDof(dof);
  if (Number.isNaN(t)) throw new RangeError('t statistic is NaN');
  if (dof === Infinity) return normalSf(t);
  if (t === 0) return 0.5;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  if (dof > LARGE_DOF) return t > 0 ? hillUpperTail(t, dof) : 1 - hillUpperTail(-t, dof);
  const t2 = t * t;
  const denom = dof + t2;
  // x = ν/(ν+t²) and 1 − x = t²/(ν+t²) are formed separately: no 1 − x cancellation in either tail.
  const x = dof / denom;
  const y = t2 / denom;
  const logX = -Math.log1p(t2 / dof);
  const logY = 2 * Math.log(Math.abs(t)) - Math.log(denom);
  const tail = 0.5 * incompleteBetaParts(dof / 2, 0.5, x, y, logX, logY);
  return t > 0 ? tail : 1 - tail;
}

export function studentTCdf(t: number, dof: number): number {
  return studentTSf(-t, dof);
}

export function studentTPdf(t: number, dof: number): number {
  checkDof(dof);
  if (dof === Infinity) return normalPdf(t);
  return Math.exp(-((dof + 1) / 2) * Math.log1p((t * t) / dof) - 0.5 * Math.log(dof) - logBeta(dof / 2, 0.5));
}

/**
 * t such that P(T > t) = q (so studentTQuantileUpper(α/2, ν) is the two-sided critical value).
 * Newton's method on ln P(T > t), kept inside a bracket that always contains the root and falling back
 * to bisection whenever a step would leave it: robust for ν = 1 (Cauchy) and for tiny q alike.
 */
export function studentTQuantileUpper(q: number, dof: number): number {
  checkDof(dof);
  if (!(q >= 0 && q <= 1)) throw new RangeError(`probability must be in [0, 1] (got ${q})`);
  if (q === 0) return Infinity;
  if (q === 1) return -Infinity;
  if (q > 0.5) return -studentTQuantileUpper(1 - q, dof);
  if (q === 0.5) return 0;
  if (dof === Infinity) return normalQuantileUpper(q);

  const logQ = Math.log(q);
  const f = (t: number) => Math.log(studentTSf(t, dof)) - logQ; // decreasing in t
  let lo = 0; // f(lo) = ln(0.5/q) > 0
  let hi = Math.max(1, startingPoint(q, dof));
  while (f(hi) > 0) {
    lo = hi;
    hi *= 2;
    if (!Number.isFinite(hi)) return Infinity; // q below what a double can resolve for this ν
  }
  let t = Math.min(Math.max(startingPoint(q, dof), lo), hi);
  for (let i = 0; i < 200; i++) {
    const sf = studentTSf(t, dof);
    const ft = Math.log(sf) - logQ;
    if (ft === 0) return t;
    if (ft > 0) lo = t;
    else hi = t;
    // d/dt ln sf = −pdf/sf
    const slope = -studentTPdf(t, dof) / sf;
    let next = t - ft / slope;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t)) || hi - lo <= 1e-15 * hi) return next;
    t = next;
  }
  return t;
}

/** Cornish–Fisher expansion around the normal quantile (Abramowitz & Stegun 26.7.5): a starting point only. */
function startingPoint(q: number, dof: number): number {
  const z = normalQuantileUpper(q);
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  const z7 = z5 * z * z;
  const g1 = (z3 + z) / 4;
  const g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
  const g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
  const guess = z + g1 / dof + g2 / dof ** 2 + g3 / dof ** 3;
  return Number.isFinite(guess) && guess > 0 ? guess : z;
}

import { describe, expect, it } from 'vitest';
import { summarize, summarizeMean, summarizeProportion, summarizeRatio, zeroStats } from './sufficient-stats';
import { expectRelative } from './testing/expect-relative';

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

describe('summarizeMean', () => {
  it('gives the sample mean and the (n − 1) sample variance', () => {
    // numpy 2.4.6: np.mean(x) = 4.166666666666667, np.var(x, ddof=1) = 6.166666666666666
    const x = [1, 4, 2, 8, 5, 5];
    const s = summarizeMean({ n: x.length, sum: sum(x), sumSquares: sum(x.map((v) => v * v)) });
    expectRelative(s.mean, 4.166666666666667, 1e-15);
    expectRelative(s.variance, 6.166666666666666, 1e-14);
    expect(s.flag).toBeNull();
  });
  it('flags n = 1 (variance unknown, reported as 0) and n = 0', () => {
    expect(summarizeMean({ n: 1, sum: 7, sumSquares: 49 })).toEqual({ n: 1, mean: 7, variance: 0, flag: 'single_unit' });
    expect(summarizeMean({ n: 0, sum: 0, sumSquares: 0 })).toEqual({ n: 0, mean: 0, variance: 0, flag: 'no_units' });
  });
  it('clamps the rounding-negative variance of constant data to 0', () => {
    const s = summarizeMean({ n: 3, sum: 0.3, sumSquares: 0.03 }); // three units of 0.1: 0.03 − 0.09/3 is −3.5e-18 in doubles
    expect(s.variance).toBe(0);
  });
  it('rejects non-finite sums and fractional counts', () => {
    expect(() => summarizeMean({ n: 2, sum: NaN, sumSquares: 1 })).toThrow(RangeError);
    expect(() => summarizeMean({ n: 2.5, sum: 1, sumSquares: 1 })).toThrow(RangeError);
  });
});

describe('summarizeProportion', () => {
  it('uses p(1 − p), as gbstats ProportionStatistic does', () => {
    const s = summarizeProportion({ n: 200, sum: 30, sumSquares: 30 });
    expect(s.mean).toBe(0.15);
    expectRelative(s.variance, 0.1275, 1e-15);
  });
  it('flags n = 1 and refuses sums outside [0, n]', () => {
    expect(summarizeProportion({ n: 1, sum: 1, sumSquares: 1 }).flag).toBe('single_unit');
    expect(() => summarizeProportion({ n: 10, sum: 11, sumSquares: 11 })).toThrow(RangeError);
  });
  it('all-zero data has mean 0 and variance 0, unflagged', () => {
    expect(summarizeProportion({ n: 500, sum: 0, sumSquares: 0 })).toEqual({ n: 500, mean: 0, variance: 0, flag: null });
  });
});

describe('summarizeRatio', () => {
  // Per-unit numerator x (e.g. tokens) and denominator y (e.g. requests).
  const x = [10, 0, 25, 7, 14, 3, 0, 18];
  const y = [2, 1, 4, 1, 3, 1, 1, 3];
  const stats = {
    n: x.length,
    sumX: sum(x),
    sumX2: sum(x.map((v) => v * v)),
    sumY: sum(y),
    sumY2: sum(y.map((v) => v * v)),
    sumXY: sum(x.map((v, i) => v * y[i])),
  };

  it('is the ratio of sums with the delta-method variance of gbstats RatioStatistic', () => {
    const s = summarizeRatio(stats);
    expect(s.mean).toBe(77 / 16);
    // Independent check: the delta-method variance equals the sample variance (ddof = 1) of the
    // linearised residuals (x − R·y)/ȳ with R = Σx/Σy. numpy 2.4.6 on this data: 3.5884486607142856.
    const R = stats.sumX / stats.sumY;
    const meanY = stats.sumY / stats.n;
    const r = x.map((v, i) => (v - R * y[i]) / meanY);
    const rMean = sum(r) / r.length;
    const linearised = sum(r.map((v) => (v - rMean) ** 2)) / (r.length - 1);
    expectRelative(s.variance, linearised, 1e-12);
    expectRelative(s.variance, 3.5884486607142856, 1e-12);
  });
  it('flags a zero denominator and a single unit', () => {
    expect(summarizeRatio({ ...stats, sumY: 0 }).flag).toBe('zero_denominator');
    expect(summarizeRatio({ n: 1, sumX: 4, sumX2: 16, sumY: 2, sumY2: 4, sumXY: 8 })).toEqual({ n: 1, mean: 2, variance: 0, flag: 'single_unit' });
  });
});

describe('summarize', () => {
  it('dispatches on the metric kind and checks the statistics fit it', () => {
    expect(summarize('binomial', { n: 4, sum: 1, sumSquares: 1 }).variance).toBe(0.1875);
    expect(summarize('mean', { n: 4, sum: 1, sumSquares: 1 }).variance).toBeCloseTo(0.25, 15);
    expect(() => summarize('ratio', { n: 4, sum: 1, sumSquares: 1 })).toThrow(TypeError);
    expect(() => summarize('mean', zeroStats('ratio', 3))).toThrow(TypeError);
  });
  it('zeroStats is n units that all scored 0', () => {
    expect(summarize('mean', zeroStats('mean', 50))).toEqual({ n: 50, mean: 0, variance: 0, flag: null });
  });
});

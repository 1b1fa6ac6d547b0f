import { describe, expect, it } from 'vitest';
import { analyzeTest } from './analyze';
import { absoluteEffect, relativeEffect, type Estimate } from './effects';
import { welchDegreesOfFreedom } from './frequentist';
import { sequentialPValue } from './sequential';
import { summarizeProportion, summarizeRatio } from './sufficient-stats';
import { expectRelative } from './testing/expect-relative';
import type { AbTestConfig, AbTestResults, AnalyzeTestInput, MeanSufficientStats } from './types';

/** Sufficient statistics of n units with the given mean and sample standard deviation. */
const meanStats = (n: number, mean: number, sd: number): MeanSufficientStats => ({ n, sum: n * mean, sumSquares: (n - 1) * sd * sd + n * mean * mean });
const converted = (n: number, k: number): MeanSufficientStats => ({ n, sum: k, sumSquares: k });

const config: AbTestConfig = {
  variants: [
    { key: 'control', weight: 1 / 3 },
    { key: 'b', weight: 1 / 3 },
    { key: 'c', weight: 1 / 3 },
  ],
  metrics: [
    { name: 'conversion', kind: 'binomial', role: 'primary', direction: 'increase' },
    { name: 'latency_ms', kind: 'mean', role: 'guardrail', direction: 'decrease' },
  ],
  method: 'frequentist',
  alpha: 0.05,
  power: 0.8,
  minimumDetectableEffect: 0.1,
  minSamplePerVariant: 1000,
  sequentialTuning: 5000,
  correction: 'holm',
};

/** 3 variants × 2 metrics: b converts better but is slower (guardrail harm), c converts worse. */
const harmful: AnalyzeTestInput = {
  testId: 'test-1',
  status: 'running',
  config,
  exposures: { control: 20_000, b: 20_000, c: 20_000 },
  stats: {
    conversion: { control: converted(20_000, 2000), b: converted(20_000, 2300), c: converted(20_000, 1800) },
    latency_ms: { control: meanStats(20_000, 500, 100), b: meanStats(20_000, 530, 100), c: meanStats(20_000, 500, 100) },
  },
};

/** Every number in the results is finite: nulls say "undefined", never NaN or Infinity. */
function expectFinite(value: unknown, path = 'results'): void {
  if (typeof value === 'number') expect(Number.isFinite(value), `${path} = ${value}`).toBe(true);
  else if (Array.isArray(value)) value.forEach((v, i) => expectFinite(v, `${path}[${i}]`));
  else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => expectFinite(v, `${path}.${k}`));
}

describe('analyzeTest: a guardrail harm and a loser → keep_control', () => {
  const results = analyzeTest(harmful);

  it('returns exactly the REST results shape', () => {
    expect(Object.keys(results).sort()).toEqual(['alpha', 'method', 'metrics', 'recommendation', 'sampleSize', 'srm', 'status', 'testId']);
    expect(Object.keys(results.srm).sort()).toEqual(['expectedShare', 'observed', 'ok', 'pValue']);
    expect(Object.keys(results.metrics[0]).sort()).toEqual(['comparisons', 'direction', 'kind', 'name', 'role', 'variants']);
    expect(Object.keys(results.metrics[0].variants[0]).sort()).toEqual(['key', 'mean', 'n', 'stdDev']);
    expect(Object.keys(results.metrics[0].comparisons[0]).sort()).toEqual([
      'absolute', 'chanceToWin', 'control', 'pValue', 'pValueAdjusted', 'relative', 'risk', 'significant', 'variant',
    ]);
    expect(Object.keys(results.sampleSize).sort()).toEqual(['minPerVariant', 'progress', 'requiredPerVariant']);
    expect(Object.keys(results.recommendation).sort()).toEqual(['action', 'reason', 'variant']);
    expect(results).toMatchObject({ testId: 'test-1', status: 'running', method: 'frequentist', alpha: 0.05 });
    expectFinite(results);
  });

  it('compares each variant with the control on the relative lift (gbstats convention)', () => {
    // Independent scipy 1.17.1 computation (delta-method variance, Welch–Satterthwaite ν, 2·t.sf):
    // b: lift 0.15, CI [0.08487528743885142, 0.21512471256114857], p 6.365701856496004e-06;
    // c: lift −0.1, CI [−0.15452952853344676, −0.04547047146655343], p 0.00032549930181819623.
    const [b, c] = results.metrics[0].comparisons;
    expect(b).toMatchObject({ variant: 'b', control: 'control' });
    expectRelative(b.relative.effect, 0.15, 1e-12);
    expectRelative(b.relative.ciLower, 0.08487528743885142, 1e-11);
    expectRelative(b.relative.ciUpper, 0.21512471256114857, 1e-11);
    expectRelative(b.pValue, 6.365701856496004e-6, 1e-10);
    expectRelative(b.absolute.effect, 0.015, 1e-12);
    expectRelative(c.relative.ciLower, -0.15452952853344676, 1e-11);
    expectRelative(c.pValue, 0.00032549930181819623, 1e-10);
  });

  it('applies Holm to the primary metric only, and reports raw and adjusted p side by side', () => {
    const [b, c] = results.metrics[0].comparisons;
    expectRelative(b.pValueAdjusted, 2 * (b.pValue as number), 1e-15); // smallest of m = 2: ×2
    expectRelative(c.pValueAdjusted, c.pValue as number, 1e-15); // ×1, and above b's
    for (const g of results.metrics[1].comparisons) expect(g.pValueAdjusted).toBe(g.pValue);
  });

  it('reads a latency increase as a harm because the guardrail is "decrease"', () => {
    const [b, c] = results.metrics[1].comparisons;
    expect(b.significant).toBe(true);
    expect(b.relative.effect).toBeCloseTo(0.06, 12);
    expect(b.chanceToWin).toBeLessThan(1e-100);
    expect(b.risk?.treatment).toBeCloseTo(0.06, 10); // shipping b costs ~6% latency
    expect(c.significant).toBe(false);
    expect(c.pValue).toBe(1);
  });

  it('reports per-variant units, means and standard deviations', () => {
    expect(results.metrics[1].variants.map((v) => v.key)).toEqual(['control', 'b', 'c']);
    expect(results.metrics[1].variants[1].mean).toBeCloseTo(530, 10);
    expect(results.metrics[1].variants[1].stdDev).toBeCloseTo(100, 8);
    expect(results.metrics[0].variants[0]).toMatchObject({ n: 20_000, mean: 0.1 });
  });

  it('plans the sample with Bonferroni α/2 for two primary comparisons: 17,860 per variant', () => {
    // (norm.isf(0.0125) + norm.isf(0.2))² · (0.1·0.9 + 0.11·0.89) / 0.01² = 17,859.96 → 17,860 (scipy 1.17.1).
    expect(results.sampleSize).toEqual({ requiredPerVariant: 17_860, minPerVariant: 1000, progress: 1 });
  });

  it('recommends keeping the control, in words', () => {
    expect(results.recommendation.action).toBe('keep_control');
    expect(results.recommendation.variant).toBe('control');
    expect(results.recommendation.reason).toContain('"b" is worse on the latency_ms guardrail: +6.0%');
    expect(results.recommendation.reason).toContain('even though it is better on conversion, +15.0%');
    expect(results.recommendation.reason).toContain('"c" is worse on conversion: −10.0%');
  });
});

describe('analyzeTest: sample ratio mismatch → investigate', () => {
  it('flags 20,000 / 20,000 / 21,000 on equal weights and distrusts everything else', () => {
    const results = analyzeTest({ ...harmful, exposures: { control: 20_000, b: 20_000, c: 21_000 } });
    // scipy 1.17.1: chisquare([20000, 20000, 21000]) → statistic 32.786885245901644, pvalue 7.593086186889148e-08.
    expectRelative(results.srm.pValue, 7.593086186889148e-8, 1e-11);
    expect(results.srm).toMatchObject({ ok: false, observed: [20_000, 20_000, 21_000] });
    expect(results.recommendation.action).toBe('investigate');
    expect(results.recommendation.variant).toBeNull();
    expect(results.recommendation.reason).toMatch(/traffic split does not match/);
  });
});

describe('analyzeTest: a clean winner → ship', () => {
  it('ships b under a sequential test, with the sequential p-value and a ratio guardrail', () => {
    const tokens = (n: number, perRequest: number) => {
      // Units make 1–3 requests; tokens per request ≈ perRequest with some spread.
      const sumY = 2 * n;
      const sumX = perRequest * sumY;
      return { n, sumX, sumX2: n * (4 * perRequest * perRequest + 400), sumY, sumY2: 4.5 * n, sumXY: 4.2 * perRequest * n };
    };
    const input: AnalyzeTestInput = {
      testId: 'test-2',
      status: 'running',
      config: {
        ...config,
        method: 'sequential',
        correction: 'bh',
        metrics: [...config.metrics, { name: 'tokens_per_request', kind: 'ratio', role: 'guardrail', direction: 'decrease' }],
      },
      exposures: { control: 20_000, b: 20_000, c: 20_000 },
      stats: {
        conversion: { control: converted(20_000, 2000), b: converted(20_000, 2300), c: converted(20_000, 2020) },
        latency_ms: { control: meanStats(20_000, 500, 100), b: meanStats(20_000, 499, 100), c: meanStats(20_000, 500, 100) },
        tokens_per_request: { control: tokens(20_000, 100), b: tokens(20_000, 100), c: tokens(20_000, 100) },
      },
    };
    const results = analyzeTest(input);
    expectFinite(results);
    const b = results.metrics[0].comparisons[0];
    const lift = relativeEffect(
      { n: 20_000, mean: 0.1, variance: 0.09, flag: null },
      { n: 20_000, mean: 0.115, variance: 0.115 * 0.885, flag: null },
    ) as Estimate;
    expectRelative(b.pValue, sequentialPValue(lift.estimate, Math.sqrt(lift.variance), 40_000, 0.05, 5000), 1e-12);
    expect(b.significant).toBe(true);
    const ratio = results.metrics[2];
    expect(ratio.kind).toBe('ratio');
    expect(ratio.variants[0].mean).toBe(100);
    expect(ratio.variants[0].stdDev).toBeCloseTo(Math.sqrt(summarizeRatio(tokens(20_000, 100)).variance), 12);
    expect(ratio.comparisons[0].pValue).toBe(1);
    expect(results.recommendation.action).toBe('ship');
    expect(results.recommendation.variant).toBe('b');
    expect(results.recommendation.reason).toMatch(/^Ship "b": it is better on conversion: \+15\.0% \(95% confidence interval/);
    expect(results.recommendation.reason).toContain('None of the 2 guardrail metrics got significantly worse');
  });
});

describe('analyzeTest: not enough units → continue', () => {
  it('asks a fixed-horizon test for the rest of its planned sample, with the count', () => {
    const n = 5000;
    const results = analyzeTest({
      ...harmful,
      exposures: { control: n, b: n, c: n },
      stats: {
        conversion: { control: converted(n, 500), b: converted(n, 575), c: converted(n, 500) },
        latency_ms: { control: meanStats(n, 500, 100), b: meanStats(n, 500, 100), c: meanStats(n, 500, 100) },
      },
    });
    expect(results.sampleSize.requiredPerVariant).toBe(17_860);
    expect(results.sampleSize.progress).toBeCloseTo(5000 / 17_860, 12);
    expect(results.recommendation.action).toBe('continue');
    expect(results.recommendation.reason).toContain('about 12,860 more units per variant (38,580 in total)');
  });
});

describe('analyzeTest: Bayesian method', () => {
  it('decides on chance to win (≥ 1 − α) and still reports the p-value', () => {
    const results = analyzeTest({ ...harmful, config: { ...config, method: 'bayesian', prior: { mean: 0, stdDev: 0.3 } }, stats: { ...harmful.stats, latency_ms: { control: meanStats(20_000, 500, 100), b: meanStats(20_000, 500, 100), c: meanStats(20_000, 500, 100) } } });
    const b = results.metrics[0].comparisons[0];
    expect(b.chanceToWin).toBeGreaterThan(0.95);
    expect(b.significant).toBe(true);
    expect(b.pValue).toBeGreaterThan(0);
    // The N(0, 0.3²) prior shrinks the 15% lift a little toward 0.
    expect(b.relative.effect).toBeLessThan(0.15);
    expect(b.relative.effect).toBeGreaterThan(0.14);
    expect(results.recommendation.action).toBe('ship');
    expect(results.recommendation.reason).toMatch(/chance to beat control/);
  });
});

describe('analyzeTest: edge cases', () => {
  const twoArm = (stats: AnalyzeTestInput['stats'], metrics: AbTestConfig['metrics'], exposures = { control: 1000, b: 1000 }): AbTestResults =>
    analyzeTest({
      testId: 'edge',
      status: 'running',
      config: { ...config, variants: [{ key: 'control', weight: 0.5 }, { key: 'b', weight: 0.5 }], metrics, correction: 'none' },
      exposures,
      stats,
    });

  it('zero control mean: the relative effect is null, the absolute one is tested', () => {
    const r = twoArm({ errors: { control: converted(1000, 0), b: converted(1000, 12) } }, [{ name: 'errors', kind: 'binomial', role: 'guardrail', direction: 'decrease' }]);
    const cmp = r.metrics[0].comparisons[0];
    // The relative lift (μt − μc)/|μc| divides by 0: reported as nulls with the reason, never NaN/Infinity.
    expect(cmp.relative).toEqual({ effect: null, ciLower: null, ciUpper: null });
    const [control, b] = [summarizeProportion(converted(1000, 0)), summarizeProportion(converted(1000, 12))];
    expect(relativeEffect(control, b)).toEqual({ estimate: null, variance: null, reason: 'the control mean is 0, so a relative change is undefined' });
    // Independent scipy 1.17.1 computation on the binomial variances p(1 − p) (0 and 0.012·0.988):
    // ttest_ind_from_stats(0.012, sqrt(0.011856), 1000, 0, 0, 1000, equal_var=False) → t 3.485075176786615,
    // p 0.0005133670720393114; se = sqrt(0.011856/1000) = 0.003443254274665175; Welch–Satterthwaite ν = 999
    // (the control's variance is 0, so ν = nt − 1); CI 0.012 ∓ t.isf(0.025, 999)·se =
    // [0.005243159375599544, 0.018756840624400455].
    const abs = absoluteEffect(control, b) as Estimate;
    expect(abs.estimate).toBeCloseTo(0.012, 15);
    expectRelative(Math.sqrt(abs.variance), 0.003443254274665175, 1e-12);
    expect(welchDegreesOfFreedom(control, b)).toBeCloseTo(999, 9);
    expect(cmp.absolute.effect).toBeCloseTo(0.012, 15);
    expectRelative(cmp.pValue, 0.0005133670720393114, 1e-10);
    expectRelative(cmp.absolute.ciLower, 0.005243159375599544, 1e-10);
    expectRelative(cmp.absolute.ciUpper, 0.018756840624400455, 1e-10);
    expect(cmp.significant).toBe(true);
    expectFinite(r);
    // What the REST API serialises: a JSON round trip changes nothing (NaN or Infinity would become null).
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('all-zero data: nothing to see, p = 1, no NaN', () => {
    const r = twoArm({ conversion: { control: converted(1000, 0), b: converted(1000, 0) } }, [config.metrics[0]]);
    const cmp = r.metrics[0].comparisons[0];
    expect(cmp).toMatchObject({ pValue: 1, significant: false, chanceToWin: 0.5, absolute: { effect: 0, ciLower: 0, ciUpper: 0 } });
    expect(cmp.relative.effect).toBeNull();
    expect(r.sampleSize.requiredPerVariant).toBeNull(); // a relative MDE of a zero baseline is meaningless
    expect(r.recommendation.action).toBe('continue');
    expectFinite(r);
  });

  it('n = 1 in a variant: no test at all rather than a fake certainty', () => {
    const r = twoArm({ latency_ms: { control: meanStats(1000, 500, 100), b: meanStats(1, 480, 0) } }, [config.metrics[1]], { control: 1000, b: 1 });
    const cmp = r.metrics[0].comparisons[0];
    expect(cmp).toMatchObject({ pValue: null, pValueAdjusted: null, significant: false, chanceToWin: null, risk: null });
    expect(r.metrics[0].variants[1]).toEqual({ key: 'b', n: 1, mean: 480, stdDev: 0 });
    expectFinite(r);
  });

  it('zero variance in both arms: a real difference is certain', () => {
    const r = twoArm({ score: { control: meanStats(1000, 3, 0), b: meanStats(1000, 4, 0) } }, [{ name: 'score', kind: 'mean', role: 'primary', direction: 'increase' }]);
    expect(r.metrics[0].comparisons[0]).toMatchObject({ pValue: 0, significant: true, chanceToWin: 1 });
    expect(r.metrics[0].comparisons[0].relative.ciLower).toBeCloseTo(1 / 3, 15);
  });

  it('a variant with no events reads as its exposed units all scoring 0', () => {
    const r = twoArm({ conversion: { control: converted(1000, 100) } }, [config.metrics[0]]);
    expect(r.metrics[0].variants[1]).toEqual({ key: 'b', n: 1000, mean: 0, stdDev: 0 });
    // Treatment has no conversions: the delta method degenerates (variance 0), so the lift's interval
    // comes from the absolute one: −100% with a real interval rather than a point.
    const rel = r.metrics[0].comparisons[0].relative;
    expect(rel.effect).toBe(-1);
    expect((rel.ciUpper as number) - (rel.ciLower as number)).toBeGreaterThan(0);
  });

  it('refuses an invalid configuration', () => {
    expect(() => analyzeTest({ ...harmful, config: { ...config, variants: [{ key: 'a', weight: 1 }] } })).toThrow(/at least two variants/);
    expect(() => analyzeTest({ ...harmful, config: { ...config, alpha: 0.5 } })).toThrow(/alpha/);
    expect(() => analyzeTest({ ...harmful, config: { ...config, variants: [{ key: 'a', weight: 0.5 }, { key: 'a', weight: 0.5 }] } })).toThrow(/unique/);
  });
});

import { describe, expect, it } from 'vitest';
import { compareVariants, type CompareOptions } from './compare';
import { relativeEffect, type Estimate } from './effects';
import { welchDegreesOfFreedom, welchTTest } from './frequentist';
import { summarizeMean } from './sufficient-stats';
import type { VariantSummary } from './types';

// gbstats fixture (tests/frequentist/test_tests.py): control 0.41 ± 3.9 (n 3407), treatment 0.70 ± 6.2 (n 3461).
const control = summarizeMean({ n: 3407, sum: 1396.87, sumSquares: 52377.9767 });
const treatment = summarizeMean({ n: 3461, sum: 2422.7, sumSquares: 134698.29 });
const opts: CompareOptions = { method: 'frequentist', alpha: 0.05, sequentialTuning: 5000, direction: 'increase', prior: null };

describe('compareVariants', () => {
  it('frequentist: gbstats relative and absolute intervals, p-value from the relative lift', () => {
    const c = compareVariants(control, treatment, opts);
    expect(c.relative.ciLower).toBeCloseTo(-0.03526, 5);
    expect(c.relative.ciUpper).toBeCloseTo(1.44989, 5);
    expect(c.absolute.ciLower).toBeCloseTo(0.04538, 5);
    expect(c.absolute.ciUpper).toBeCloseTo(0.53462, 5);
    expect(c.pValue).toBeCloseTo(0.06191, 5);
    expect(c.decision).toMatchObject({ relative: true });
  });

  it('sequential: wider intervals and a larger p-value than the fixed horizon', () => {
    const fixed = compareVariants(control, treatment, opts);
    const seq = compareVariants(control, treatment, { ...opts, method: 'sequential' });
    expect(seq.relative.ciLower as number).toBeLessThan(fixed.relative.ciLower as number);
    expect(seq.absolute.ciUpper as number).toBeGreaterThan(fixed.absolute.ciUpper as number);
    expect(seq.pValue as number).toBeGreaterThan(fixed.pValue as number);
  });

  it('bayesian: credible intervals around the posterior, the fixed-horizon p-value alongside', () => {
    const flat = compareVariants(control, treatment, { ...opts, method: 'bayesian' });
    // A flat prior reproduces the normal-approximation interval: 0.70732 ± 1.95996·0.37879.
    expect(flat.relative.ciLower).toBeCloseTo(0.70732 - 1.959964 * 0.37879, 4);
    const e = relativeEffect(control, treatment) as Estimate;
    expect(flat.pValue).toBe(welchTTest(e, welchDegreesOfFreedom(control, treatment) as number, 0.05).pValue);
    const shrunk = compareVariants(control, treatment, { ...opts, method: 'bayesian', prior: { mean: 0, stdDev: 0.3 } });
    expect(shrunk.relative.effect as number).toBeLessThan(0.70732);
    expect(shrunk.absolute.effect as number).toBeLessThan(0.29); // the same prior carried to the absolute scale by |μc|
  });

  it('leaves everything null when a variant has fewer than two units', () => {
    const one: VariantSummary = { n: 1, mean: 0.5, variance: 0, flag: 'single_unit' };
    expect(compareVariants(control, one, opts)).toEqual({
      absolute: { effect: null, ciLower: null, ciUpper: null },
      relative: { effect: null, ciLower: null, ciUpper: null },
      pValue: null,
      chanceToWin: null,
      risk: null,
      decision: null,
    });
  });

  it('a decrease metric wins when the treatment is lower', () => {
    const c = compareVariants(treatment, control, { ...opts, direction: 'decrease' });
    expect(c.chanceToWin as number).toBeGreaterThan(0.5);
  });
});

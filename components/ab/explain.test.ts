import { describe, expect, it } from 'vitest';
import { confidenceLevel, explainComparison, explainP, formatChance, formatLift, formatMean, formatP, headline, verdictOf } from './explain';

const comparison = (over: Partial<Parameters<typeof explainComparison>[0]> = {}) => ({
  variant: 'B',
  relative: { effect: 0.03, ciLower: 0.012, ciUpper: 0.048 },
  absolute: { effect: 0.003, ciLower: 0.001, ciUpper: 0.005 },
  pValue: 0.001,
  pValueAdjusted: 0.002,
  significant: true,
  chanceToWin: 0.998,
  ...over,
});

describe('A/B explanations', () => {
  it('formats lifts, p-values, chances and means as people read them', () => {
    expect(formatLift(0.0423)).toBe('+4.2%');
    expect(formatLift(-0.0042)).toBe('−0.42%');
    expect(formatLift(null)).toBe('—');
    expect(formatP(0.0002)).toBe('< 0.001');
    expect(formatP(0.0234)).toBe('0.023');
    expect(formatP(0.41)).toBe('0.41');
    expect(formatChance(0.99999)).toBe('> 99.9%');
    expect(formatChance(0.731)).toBe('73.1%');
    expect(formatMean(0.1234, 'binomial')).toBe('12.3%');
    expect(formatMean(231.456, 'mean')).toBe('231.5');
    expect(confidenceLevel(0.05)).toBe('95%');
    expect(confidenceLevel(0.1)).toBe('90%');
  });

  it('says what a significant interval means, in the metric’s direction', () => {
    const text = explainComparison(comparison(), { alpha: 0.05, method: 'frequentist', direction: 'increase', control: 'A' });
    expect(text).toBe('We are 95% confident the lift is between +1.2% and +4.8%: B is better than A (higher is better).');
    const latency = explainComparison(comparison(), { alpha: 0.05, method: 'sequential', direction: 'decrease', control: 'A' });
    expect(latency).toContain('B is worse than A (lower is better)');
    expect(latency).toContain('valid however often you look');
  });

  it('says when an interval includes no change, and speaks of chances for Bayesian tests', () => {
    const flat = comparison({ significant: false, relative: { effect: 0.01, ciLower: -0.02, ciUpper: 0.04 } });
    expect(explainComparison(flat, { alpha: 0.05, method: 'frequentist', direction: 'increase', control: 'A' })).toContain('includes no change');
    expect(explainComparison(comparison(), { alpha: 0.05, method: 'bayesian', direction: 'increase', control: 'A' })).toContain('99.8% chance that B is better');
    expect(explainComparison(comparison({ relative: { effect: null, ciLower: null, ciUpper: null } }), { alpha: 0.05, method: 'frequentist', direction: 'increase', control: 'A' })).toMatch(/^Not enough data/);
  });

  it('judges a comparison by significance and direction', () => {
    expect(verdictOf(comparison(), 'increase')).toBe('better');
    expect(verdictOf(comparison(), 'decrease')).toBe('worse');
    expect(verdictOf(comparison({ significant: false }), 'increase')).toBe('inconclusive');
    expect(explainP(0.01, 0.05)).toContain('unlikely');
    expect(explainP(0.3, 0.05)).toContain('not conclusive');
  });

  it('turns a recommendation into a headline, calling out a harmed guardrail', () => {
    expect(headline({ action: 'ship', variant: 'B' }, { guardrailHarmed: false, status: 'running' })).toMatchObject({ title: 'Ship variant B', tone: 'success' });
    expect(headline({ action: 'keep_control', variant: 'A' }, { guardrailHarmed: true, status: 'running' }).title).toBe('Stop: a guardrail got worse');
    expect(headline({ action: 'keep_control', variant: 'A' }, { guardrailHarmed: false, status: 'running' }).title).toBe('Keep the control');
    expect(headline({ action: 'investigate', variant: null }, { guardrailHarmed: false, status: 'running' }).tone).toBe('warning');
    expect(headline({ action: 'continue', variant: null }, { guardrailHarmed: false, status: 'running' }).title).toBe('Keep running');
  });
});

describe('chart scales', () => {
  it('makes round symmetric forest-plot ticks that cover the widest interval', async () => {
    const { symmetricTicks } = await import('./forest-plot');
    expect(symmetricTicks(84)).toEqual({ bound: 100, ticks: [-100, -75, -50, -25, 0, 25, 50, 75, 100] });
    expect(symmetricTicks(7)).toEqual({ bound: 8, ticks: [-8, -6, -4, -2, 0, 2, 4, 6, 8] });
    const { bound, ticks } = symmetricTicks(0.3);
    expect(bound).toBeGreaterThanOrEqual(0.3);
    expect(ticks).toContain(0);
  });
});

describe('lift chart scale', () => {
  it('covers the line and the latest interval with round ticks, clipping early wide intervals', async () => {
    const { yScale } = await import('./lift-chart');
    const data = [
      { t: 1, effect: 80, band: [-300, 500] as [number, number], n: 10 },
      { t: 2, effect: 50, band: [20, 80] as [number, number], n: 3000 },
    ];
    const { domain, ticks } = yScale(data);
    expect(domain[0]).toBeLessThanOrEqual(0);
    expect(domain[1]).toBeGreaterThanOrEqual(80);
    expect(domain[0]).toBeGreaterThan(-300); // the first hour's interval is clipped
    expect(ticks[0]).toBe(domain[0]);
    expect(ticks.at(-1)).toBe(domain[1]);
    expect(ticks.every((t) => t % 20 === 0 || t % 25 === 0)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { recommend, type MetricEvidence, type RecommendationInput } from './recommendation';

const evidence = (over: Partial<MetricEvidence>): MetricEvidence => ({
  metric: 'conversion',
  role: 'primary',
  verdict: 'inconclusive',
  effect: 0.01,
  effectIsRelative: true,
  ciLower: -0.02,
  ciUpper: 0.04,
  pValue: 0.4,
  chanceToWin: 0.7,
  ...over,
});

const base: RecommendationInput = {
  method: 'sequential',
  alpha: 0.05,
  minimumDetectableEffect: 0.05,
  control: 'control',
  variantKeys: ['control', 'b', 'c'],
  srm: { status: 'ok', pValue: 0.6, observed: [30_000, 30_000, 30_000], expectedShare: [1 / 3, 1 / 3, 1 / 3] },
  variants: [
    { variant: 'b', metrics: [evidence({})] },
    { variant: 'c', metrics: [evidence({})] },
  ],
  unitsPerVariant: [30_000, 30_000, 30_000],
  requiredPerVariant: 57_760,
  minPerVariant: 1000,
};

const better = evidence({ verdict: 'better', effect: 0.042, ciLower: 0.011, ciUpper: 0.073, pValue: 0.008 });

describe('recommend', () => {
  it('investigates a sample ratio mismatch before anything else, even with a winner', () => {
    const r = recommend({ ...base, srm: { ...base.srm, status: 'mismatch', pValue: 1e-6 }, variants: [{ variant: 'b', metrics: [better] }] });
    expect(r.action).toBe('investigate');
    expect(r.reason).toContain('observed 30,000 / 30,000 / 30,000 units for "control" / "b" / "c", expected 33.3% / 33.3% / 33.3%');
  });

  it('ships a variant better on the primary metric with no harm, explaining why', () => {
    const r = recommend({ ...base, variants: [{ variant: 'b', metrics: [better, evidence({ metric: 'latency_ms', role: 'guardrail' })] }, base.variants[1]] });
    expect(r).toMatchObject({ action: 'ship', variant: 'b', moreUnitsPerVariant: null });
    expect(r.reason).toBe(
      'Ship "b": it is better on conversion: +4.2% (95% confidence interval +1.1% to +7.3%, p = 0.008). ' +
        'None of the 1 guardrail metric got significantly worse. The traffic split matches the weights and each variant has at least 30,000 units.',
    );
  });

  it('picks the strongest of several winners', () => {
    const r = recommend({ ...base, variants: [{ variant: 'b', metrics: [better] }, { variant: 'c', metrics: [{ ...better, effect: 0.06 }] }] });
    expect(r.variant).toBe('c');
  });

  it('does not ship a winner that harms a guardrail, and keeps the control when every variant is harmful', () => {
    const harm = evidence({ metric: 'latency_ms', role: 'guardrail', verdict: 'worse', effect: 0.12, ciLower: 0.05, ciUpper: 0.19, pValue: 0.0004 });
    const r = recommend({ ...base, variants: [{ variant: 'b', metrics: [better, harm] }, { variant: 'c', metrics: [evidence({ verdict: 'worse', effect: -0.031, ciLower: -0.05, ciUpper: -0.01, pValue: 0.01 })] }] });
    expect(r).toMatchObject({ action: 'keep_control', variant: 'control' });
    expect(r.reason).toContain('"b" is worse on the latency_ms guardrail: +12.0%');
    expect(r.reason).toContain('"c" is worse on conversion: −3.1%');
  });

  it('keeps going while a harmful variant sits next to an undecided one', () => {
    const r = recommend({ ...base, variants: [{ variant: 'b', metrics: [evidence({ verdict: 'worse' })] }, base.variants[1]] });
    expect(r.action).toBe('continue');
    expect(r.moreUnitsPerVariant).toBe(57_760 - 30_000);
  });

  it('keeps the control once the planned sample is reached without a winner', () => {
    const r = recommend({ ...base, unitsPerVariant: [60_000, 60_000, 60_000] });
    expect(r.action).toBe('keep_control');
    expect(r.reason).toContain('reached its planned 57,760 units per variant');
  });

  it('makes a fixed-horizon test wait for its planned sample, but not a sequential one', () => {
    const winner = { ...base, variants: [{ variant: 'b', metrics: [better] }] };
    const fixed = recommend({ ...winner, method: 'frequentist' });
    expect(fixed.action).toBe('continue');
    expect(fixed.moreUnitsPerVariant).toBe(27_760);
    expect(fixed.reason).toContain('only valid at its planned sample of 57,760 units per variant');
    expect(fixed.reason).toContain('(83,280 in total)');
    expect(recommend({ ...winner, method: 'sequential' }).action).toBe('ship');
    expect(recommend({ ...winner, method: 'bayesian' }).action).toBe('ship');
  });

  it('waits for the minimum sample whatever the method', () => {
    const r = recommend({ ...base, variants: [{ variant: 'b', metrics: [better] }], unitsPerVariant: [900, 950, 990] });
    expect(r).toMatchObject({ action: 'continue', moreUnitsPerVariant: 100 });
    expect(r.reason).toContain('at least 1,000 units');
  });

  it('speaks of credible intervals and chance to win for Bayesian tests', () => {
    const r = recommend({ ...base, method: 'bayesian', variants: [{ variant: 'b', metrics: [{ ...better, chanceToWin: 0.983 }] }] });
    expect(r.reason).toContain('95% credible interval +1.1% to +7.3%, 98.3% chance to beat control');
  });

  it('continues without a number when the plan cannot be sized', () => {
    const r = recommend({ ...base, requiredPerVariant: null });
    expect(r).toMatchObject({ action: 'continue', moreUnitsPerVariant: null });
  });
});

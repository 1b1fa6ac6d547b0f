/**
 * Plain words next to the numbers of an A/B test: what a lift, an interval, a p-value and a
 * recommendation mean for the decision. Pure functions (unit-tested), shared by every A/B component.
 */

export type Method = 'frequentist' | 'sequential' | 'bayesian';
export type Direction = 'increase' | 'decrease';
export type Action = 'ship' | 'keep_control' | 'continue' | 'investigate';

interface IntervalLike {
  effect: number | null;
  ciLower: number | null;
  ciUpper: number | null;
}

export interface ComparisonLike {
  variant: string;
  relative: IntervalLike;
  absolute: IntervalLike;
  pValue: number | null;
  pValueAdjusted: number | null;
  significant: boolean;
  chanceToWin: number | null;
}

/** 0.0423 → "+4.2%"; below 1 % two decimals; null → "—". */
export function formatLift(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const pct = x * 100;
  const digits = Math.abs(pct) < 1 ? 2 : 1;
  const sign = pct > 0 ? '+' : pct < 0 ? '−' : '';
  return `${sign}${Math.abs(pct).toFixed(digits)}%`;
}

/** 0.05 → "95%" (the confidence level of a CI at this alpha). */
export function confidenceLevel(alpha: number): string {
  return `${Number(((1 - alpha) * 100).toFixed(1))}%`;
}

/** p-values as people read them: "< 0.001", "0.023", "0.41". */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  if (p < 0.001) return '< 0.001';
  if (p < 0.1) return p.toFixed(3);
  return p.toFixed(2);
}

/** 0.9731 → "97.3%"; clamps the display so "100%" is never claimed. */
export function formatChance(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const pct = x * 100;
  if (pct > 99.9) return '> 99.9%';
  if (pct < 0.1) return '< 0.1%';
  return `${pct.toFixed(1)}%`;
}

/** A mean as a rate (binomial) or a number (mean, ratio). */
export function formatMean(x: number, kind: 'binomial' | 'mean' | 'ratio'): string {
  if (!Number.isFinite(x)) return '—';
  if (kind === 'binomial') return `${(x * 100).toFixed(Math.abs(x) < 0.01 ? 2 : 1)}%`;
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 4 });
}

/** Whether a comparison's effect is good, bad or unclear for a metric that should move in `direction`. */
export type Verdict = 'better' | 'worse' | 'inconclusive';

export function verdictOf(c: Pick<ComparisonLike, 'significant' | 'relative' | 'absolute'>, direction: Direction): Verdict {
  if (!c.significant) return 'inconclusive';
  const effect = c.relative.effect ?? c.absolute.effect ?? 0;
  if (effect === 0) return 'inconclusive';
  return (effect > 0) === (direction === 'increase') ? 'better' : 'worse';
}

/**
 * One sentence saying what the interval means, e.g. "We are 95% confident the lift is between +1.2%
 * and +4.8%." Bayesian tests speak of the chance to win; sequential ones say the interval is safe to
 * look at any time.
 */
export function explainComparison(c: ComparisonLike, opts: { alpha: number; method: Method; direction: Direction; control: string }): string {
  const { relative } = c;
  const level = confidenceLevel(opts.alpha);
  const better = opts.direction === 'increase' ? 'higher' : 'lower';
  if (relative.effect === null || relative.ciLower === null || relative.ciUpper === null) {
    return `Not enough data yet to estimate a lift against ${opts.control}.`;
  }
  if (opts.method === 'bayesian') {
    const chance = c.chanceToWin === null ? '' : ` There is a ${formatChance(c.chanceToWin)} chance that ${c.variant} is better (${better} is better).`;
    return `Most likely lift ${formatLift(relative.effect)}; ${level} credible interval ${formatLift(relative.ciLower)} to ${formatLift(relative.ciUpper)}.${chance}`;
  }
  const range = `between ${formatLift(relative.ciLower)} and ${formatLift(relative.ciUpper)}`;
  const when = opts.method === 'sequential' ? ' This interval stays valid however often you look.' : '';
  if (!c.significant) {
    return `We are ${level} confident the lift is ${range}. That range includes no change, so the difference may be noise.${when}`;
  }
  const verdict = verdictOf(c, opts.direction);
  return `We are ${level} confident the lift is ${range}: ${c.variant} is ${verdict === 'better' ? 'better' : 'worse'} than ${opts.control} (${better} is better).${when}`;
}

/** What a p-value says, in one sentence. */
export function explainP(p: number | null, alpha: number): string {
  if (p === null) return 'No p-value yet.';
  const shown = formatP(p);
  if (p < alpha) return `p ${shown.startsWith('<') ? shown : `= ${shown}`}: a difference this large would be unlikely (under ${alpha * 100}%) if the variants were really the same.`;
  return `p = ${shown}: a difference like this happens often by chance alone, so it is not conclusive.`;
}

export interface Headline {
  title: string;
  tone: 'success' | 'danger' | 'warning' | 'info';
  /** What to do now, in one sentence. */
  next: string;
}

/** The recommendation as a headline a product manager acts on. */
export function headline(rec: { action: Action; variant: string | null }, opts: { guardrailHarmed: boolean; status: string }): Headline {
  switch (rec.action) {
    case 'ship':
      return { title: `Ship variant ${rec.variant}`, tone: 'success', next: `${rec.variant} wins on the primary metric and harms no guardrail. Shipping promotes its model version to production.` };
    case 'keep_control':
      return opts.guardrailHarmed
        ? { title: 'Stop: a guardrail got worse', tone: 'danger', next: 'Keep the control. The variant hurts a metric that must not regress; fix it before testing again.' }
        : { title: 'Keep the control', tone: 'danger', next: 'No variant beats the control. Stop the test and keep the current version.' };
    case 'investigate':
      return { title: 'Investigate: the traffic split is off', tone: 'warning', next: 'Do not trust these numbers until the sample ratio mismatch is explained (see below).' };
    default:
      return {
        title: opts.status === 'stopped' ? 'Stopped without a decision' : 'Keep running',
        tone: 'info',
        next: opts.status === 'stopped' ? 'The test stopped before it had enough evidence either way.' : 'Not enough evidence yet. Let the test collect more units before deciding.',
      };
  }
}

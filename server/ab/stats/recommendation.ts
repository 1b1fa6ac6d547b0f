import { formatCount, formatLift, formatNumber, formatPValue, formatShare } from './format';
import type { SrmStatus } from './srm';
import type { AnalysisMethod, MetricRole, RecommendationResult } from './types';

/**
 * The decision rules of the issue, in order:
 *   investigate  – the traffic split does not match the weights (SRM): nothing else can be trusted;
 *   continue     – too few units for the method to decide;
 *   ship         – a variant is significantly better on a primary metric, worse on none, and no
 *                  guardrail is significantly worse;
 *   keep_control – every variant is significantly worse on a primary metric or harms a guardrail, or
 *                  the planned sample was reached without a winner;
 *   continue     – otherwise, with how many more units are needed.
 * A fixed-horizon (frequentist) test only decides once it has its planned sample: its p-value is valid
 * at one look, not at every look. Sequential and Bayesian read-outs may decide from the minimum sample.
 */

export type Verdict = 'better' | 'worse' | 'inconclusive';

export interface MetricEvidence {
  metric: string;
  role: MetricRole;
  verdict: Verdict;
  /** Relative lift when defined, otherwise the absolute change. */
  effect: number | null;
  effectIsRelative: boolean;
  ciLower: number | null;
  ciUpper: number | null;
  pValue: number | null;
  chanceToWin: number | null;
}

export interface VariantEvidence {
  variant: string;
  metrics: MetricEvidence[];
}

export interface RecommendationInput {
  method: AnalysisMethod;
  alpha: number;
  minimumDetectableEffect: number;
  control: string;
  variantKeys: string[];
  srm: { status: SrmStatus; pValue: number | null; observed: number[]; expectedShare: number[] };
  /** One entry per non-control variant. */
  variants: VariantEvidence[];
  /** Exposed units per variant, in variant order (control first). */
  unitsPerVariant: number[];
  requiredPerVariant: number | null;
  minPerVariant: number;
}

export interface Recommendation extends RecommendationResult {
  /** For `continue`: units each variant still needs before the next decision point, when known. */
  moreUnitsPerVariant: number | null;
}

const quote = (key: string) => `"${key}"`;

function describeEffect(e: MetricEvidence, method: AnalysisMethod, alpha: number): string {
  if (e.effect === null) return '';
  const fmt = e.effectIsRelative ? formatLift : formatNumber;
  const effect = e.effectIsRelative ? formatLift(e.effect) : `${e.effect > 0 ? '+' : ''}${formatNumber(e.effect)} (absolute)`;
  const level = `${formatShare(1 - alpha)} ${method === 'bayesian' ? 'credible' : 'confidence'} interval`;
  const parts = [effect];
  const detail: string[] = [];
  if (e.ciLower !== null && e.ciUpper !== null) detail.push(`${level} ${fmt(e.ciLower)} to ${fmt(e.ciUpper)}`);
  if (method === 'bayesian' && e.chanceToWin !== null) detail.push(`${formatShare(e.chanceToWin)} chance to beat control`);
  else if (e.pValue !== null) detail.push(formatPValue(e.pValue));
  if (detail.length) parts.push(`(${detail.join(', ')})`);
  return parts.join(' ');
}

function describe(variant: string, e: MetricEvidence, method: AnalysisMethod, alpha: number): string {
  const what = e.role === 'guardrail' ? `the ${e.metric} guardrail` : e.metric;
  return `${quote(variant)} is ${e.verdict} on ${what}: ${describeEffect(e, method, alpha)}`;
}

/** Size of a significant improvement: its sign is already known to be the good one, so |effect| ranks winners. */
function strength(e: MetricEvidence): number {
  return e.effect === null ? 0 : Math.abs(e.effect);
}

function continueWith(more: number, variantCount: number, why: string): Recommendation {
  return {
    action: 'continue',
    variant: null,
    reason: `Keep the test running: ${why} It needs about ${formatCount(more)} more units per variant (${formatCount(more * variantCount)} in total).`,
    moreUnitsPerVariant: more,
  };
}

export function recommend(input: RecommendationInput): Recommendation {
  const { method, alpha, control, srm, variants, unitsPerVariant, requiredPerVariant, minPerVariant } = input;
  const variantCount = unitsPerVariant.length;
  const smallest = Math.min(...unitsPerVariant);

  if (srm.status === 'mismatch') {
    const observed = srm.observed.map(formatCount).join(' / ');
    const expected = srm.expectedShare.map(formatShare).join(' / ');
    return {
      action: 'investigate',
      variant: null,
      reason:
        `Investigate before trusting any result: the traffic split does not match the configured weights ` +
        `(observed ${observed} units for ${input.variantKeys.map(quote).join(' / ')}, expected ${expected}; ` +
        `sample ratio mismatch, ${formatPValue(srm.pValue ?? 0)}). Some units are being lost or mis-assigned, which biases every metric.`,
      moreUnitsPerVariant: null,
    };
  }

  const decisionPoint = method === 'frequentist' ? Math.max(minPerVariant, requiredPerVariant ?? 0) : minPerVariant;
  if (smallest < decisionPoint) {
    const why =
      method === 'frequentist' && decisionPoint > minPerVariant
        ? `a fixed-horizon test is only valid at its planned sample of ${formatCount(decisionPoint)} units per variant (sized to detect a ${formatLift(input.minimumDetectableEffect).replace('+', '')} change).`
        : `every variant needs at least ${formatCount(decisionPoint)} units before a decision.`;
    return continueWith(decisionPoint - smallest, variantCount, why);
  }

  const primaries = (v: VariantEvidence) => v.metrics.filter((m) => m.role === 'primary');
  const harms = (v: VariantEvidence) => v.metrics.filter((m) => m.verdict === 'worse');
  const winners = variants.filter((v) => primaries(v).some((m) => m.verdict === 'better') && harms(v).length === 0);

  if (winners.length > 0) {
    const score = (v: VariantEvidence) => Math.max(...primaries(v).filter((m) => m.verdict === 'better').map(strength));
    const best = winners.reduce((a, b) => (score(b) > score(a) ? b : a));
    const evidence = primaries(best).filter((m) => m.verdict === 'better');
    const guardrails = best.metrics.filter((m) => m.role === 'guardrail').length;
    return {
      action: 'ship',
      variant: best.variant,
      reason:
        `Ship ${quote(best.variant)}: it is better on ${evidence.map((m) => `${m.metric}: ${describeEffect(m, method, alpha)}`).join('; and on ')}. ` +
        (guardrails > 0 ? `None of the ${guardrails} guardrail metric${guardrails > 1 ? 's' : ''} got significantly worse. ` : '') +
        `The traffic split matches the weights and each variant has at least ${formatCount(smallest)} units.`,
      moreUnitsPerVariant: null,
    };
  }

  const losers = variants.filter((v) => harms(v).length > 0);
  if (variants.length > 0 && losers.length === variants.length) {
    const findings = losers.map((v) => {
      const gains = primaries(v).filter((m) => m.verdict === 'better');
      const harm = harms(v).map((m) => describe(v.variant, m, method, alpha)).join('; ');
      // A guardrail harm can hide a real gain; saying so tells the team what a fixed version could win.
      return gains.length ? `${harm}, even though it is better on ${gains.map((m) => `${m.metric}, ${describeEffect(m, method, alpha)}`).join(' and ')}` : harm;
    });
    return {
      action: 'keep_control',
      variant: control,
      reason: `Keep the control (${quote(control)}): ${findings.join('; ')}. No variant is better without a significant harm.`,
      moreUnitsPerVariant: null,
    };
  }

  if (requiredPerVariant !== null && smallest >= requiredPerVariant) {
    return {
      action: 'keep_control',
      variant: control,
      reason:
        `Keep the control (${quote(control)}): the test reached its planned ${formatCount(requiredPerVariant)} units per variant and no variant ` +
        `is significantly better on the primary metric. Any real effect is probably smaller than the ${formatLift(input.minimumDetectableEffect).replace('+', '')} the test was sized to detect.`,
      moreUnitsPerVariant: null,
    };
  }

  const why = 'no variant is conclusively better yet.';
  if (requiredPerVariant === null) {
    return {
      action: 'continue',
      variant: null,
      reason: `Keep the test running: ${why} The sample size needed can't be estimated yet (the control's primary metric has no baseline to size a relative change against).`,
      moreUnitsPerVariant: null,
    };
  }
  return continueWith(requiredPerVariant - smallest, variantCount, `${why} The planned sample is ${formatCount(requiredPerVariant)} units per variant.`);
}

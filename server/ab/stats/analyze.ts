import { compareVariants, type Comparison } from './compare';
import { adjustPValues } from './multiple-testing';
import { recommend, type MetricEvidence, type Verdict } from './recommendation';
import { planSampleSize } from './sample-size';
import { srmCheck } from './srm';
import { summarize, zeroStats } from './sufficient-stats';
import type { AbMetricConfig, AbTestConfig, AbTestResults, AnalyzeTestInput, ComparisonResult, MetricResult, VariantSummary } from './types';
import { assertValidConfig } from './validate-config';

/**
 * The whole read-out of a test from per-variant sufficient statistics: O(variants × metrics), never
 * touching events. Returns the REST results shape.
 */

interface MetricWork {
  metric: AbMetricConfig;
  summaries: VariantSummary[];
  comparisons: Comparison[];
}

function isSignificant(config: AbTestConfig, c: Comparison, pAdjusted: number | null): boolean {
  if (config.method === 'bayesian') return c.chanceToWin !== null && (c.chanceToWin >= 1 - config.alpha || c.chanceToWin <= config.alpha);
  return pAdjusted !== null && pAdjusted < config.alpha;
}

function verdictOf(metric: AbMetricConfig, c: Comparison, significant: boolean): Verdict {
  if (!significant || c.decision === null || c.decision.effect === 0) return 'inconclusive';
  const up = c.decision.effect > 0;
  return up === (metric.direction === 'increase') ? 'better' : 'worse';
}

export function analyzeTest(input: AnalyzeTestInput): AbTestResults {
  const { config } = input;
  assertValidConfig(config);
  const keys = config.variants.map((v) => v.key);
  const control = keys[0];
  const exposures = keys.map((k) => input.exposures[k] ?? 0);
  const srm = srmCheck(exposures, config.variants.map((v) => v.weight));

  const work: MetricWork[] = config.metrics.map((metric) => {
    const byVariant = input.stats[metric.name] ?? {};
    const summaries = keys.map((key, i) => summarize(metric.kind, byVariant[key] ?? zeroStats(metric.kind, exposures[i])));
    const opts = { method: config.method, alpha: config.alpha, sequentialTuning: config.sequentialTuning, direction: metric.direction, prior: config.prior ?? null };
    return { metric, summaries, comparisons: summaries.slice(1).map((t) => compareVariants(summaries[0], t, opts)) };
  });

  // One family: every primary comparison (all variants × all primary metrics). Guardrails stay raw.
  const primaryRefs = work.flatMap((w, mi) => (w.metric.role === 'primary' ? w.comparisons.map((_, ci) => ({ mi, ci })) : []));
  const adjusted = adjustPValues(primaryRefs.map(({ mi, ci }) => work[mi].comparisons[ci].pValue), config.correction);
  const pAdjusted = work.map((w) => w.comparisons.map((c) => c.pValue));
  primaryRefs.forEach(({ mi, ci }, i) => {
    pAdjusted[mi][ci] = adjusted[i];
  });

  const evidence = new Map<string, MetricEvidence[]>(keys.slice(1).map((k) => [k, []]));
  const metrics: MetricResult[] = work.map((w, mi) => ({
    name: w.metric.name,
    kind: w.metric.kind,
    role: w.metric.role,
    direction: w.metric.direction,
    variants: w.summaries.map((s, i) => ({ key: keys[i], n: s.n, mean: s.mean, stdDev: Math.sqrt(s.variance) })),
    comparisons: w.comparisons.map((c, ci): ComparisonResult => {
      const variant = keys[ci + 1];
      const significant = isSignificant(config, c, pAdjusted[mi][ci]);
      evidence.get(variant)?.push({
        metric: w.metric.name,
        role: w.metric.role,
        verdict: verdictOf(w.metric, c, significant),
        effect: c.decision?.effect ?? null,
        effectIsRelative: c.decision?.relative ?? false,
        ciLower: c.decision?.ciLower ?? null,
        ciUpper: c.decision?.ciUpper ?? null,
        pValue: pAdjusted[mi][ci],
        chanceToWin: c.chanceToWin,
      });
      return {
        variant,
        control,
        absolute: c.absolute,
        relative: c.relative,
        pValue: c.pValue,
        pValueAdjusted: pAdjusted[mi][ci],
        significant,
        chanceToWin: c.chanceToWin,
        risk: c.risk,
      };
    }),
  }));

  const sampleSize = planSampleSize(config, work.map((w) => ({ metric: w.metric, control: w.summaries[0] })), exposures);
  const { moreUnitsPerVariant: _more, ...recommendation } = recommend({
    method: config.method,
    alpha: config.alpha,
    minimumDetectableEffect: config.minimumDetectableEffect,
    control,
    variantKeys: keys,
    srm: { status: srm.status, pValue: srm.pValue, observed: exposures, expectedShare: srm.expectedShare },
    variants: keys.slice(1).map((variant) => ({ variant, metrics: evidence.get(variant) ?? [] })),
    unitsPerVariant: exposures,
    requiredPerVariant: sampleSize.requiredPerVariant,
    minPerVariant: sampleSize.minPerVariant,
  });

  return {
    testId: input.testId,
    status: input.status,
    method: config.method,
    alpha: config.alpha,
    srm: { pValue: srm.pValue, ok: srm.status !== 'mismatch', observed: exposures, expectedShare: srm.expectedShare },
    metrics,
    sampleSize,
    recommendation,
  };
}

import { binomialTreatmentVariance, requiredSampleSizePerVariant, requiredSampleSizePerVariantSequential, sampleProgress, type PowerInput } from './power';
import type { AbMetricConfig, AbTestConfig, SampleSizeResult, VariantSummary } from './types';

/**
 * The plan for the whole test: the most demanding primary metric sets the units per variant, sized
 * from the control's observed mean and variance. With a multiple-testing correction the plan uses
 * α/m (Bonferroni, m = primary comparisons), the conservative bound for both Holm and BH.
 */
export function planSampleSize(
  config: AbTestConfig,
  controlByMetric: { metric: AbMetricConfig; control: VariantSummary }[],
  exposures: number[],
): SampleSizeResult {
  const primaries = controlByMetric.filter((m) => m.metric.role === 'primary');
  const comparisons = primaries.length * (config.variants.length - 1);
  const alpha = config.correction !== 'none' && comparisons > 1 ? config.alpha / comparisons : config.alpha;

  let required: number | null = null;
  for (const { metric, control } of primaries) {
    if (control.flag !== null) continue;
    const mde = config.minimumDetectableEffect;
    const input: PowerInput = {
      baselineMean: control.mean,
      baselineVariance: control.variance,
      treatmentVariance:
        metric.kind === 'binomial' ? binomialTreatmentVariance(control.mean, metric.direction === 'increase' ? mde : -mde) : control.variance,
      relativeMde: mde,
      alpha,
      power: config.power,
    };
    const n = config.method === 'sequential' ? requiredSampleSizePerVariantSequential(input, config.sequentialTuning) : requiredSampleSizePerVariant(input);
    if (n !== null) required = Math.max(required ?? 0, n);
  }
  const target = Math.max(required ?? 0, config.minSamplePerVariant);
  return { requiredPerVariant: required, minPerVariant: config.minSamplePerVariant, progress: sampleProgress(exposures, target) };
}

import type { AbTestConfig } from './types';

/**
 * The engine's own preconditions. The REST layer validates requests with zod and answers 400; this
 * guard is for programming errors (a stored config that skipped validation), so it throws.
 */
export function assertValidConfig(config: AbTestConfig): void {
  const fail = (message: string): never => {
    throw new RangeError(`invalid A/B test configuration: ${message}`);
  };
  const { variants, metrics, alpha, power, minimumDetectableEffect, minSamplePerVariant, sequentialTuning } = config;
  if (variants.length < 2) fail('at least two variants are needed (the first is the control)');
  if (new Set(variants.map((v) => v.key)).size !== variants.length) fail('variant keys must be unique');
  if (variants.some((v) => !(v.weight > 0) || !Number.isFinite(v.weight))) fail('variant weights must be positive');
  if (new Set(metrics.map((m) => m.name)).size !== metrics.length) fail('metric names must be unique');
  if (!(alpha > 0 && alpha < 0.5)) fail(`alpha must be in (0, 0.5) (got ${alpha})`);
  if (!(power > 0 && power < 1)) fail(`power must be in (0, 1) (got ${power})`);
  if (!(minimumDetectableEffect > 0) || !Number.isFinite(minimumDetectableEffect)) fail('the minimum detectable effect must be positive');
  if (!Number.isInteger(minSamplePerVariant) || minSamplePerVariant < 0) fail('minSamplePerVariant must be a non-negative integer');
  if (!(sequentialTuning > 0) || !Number.isFinite(sequentialTuning)) fail('sequentialTuning must be positive');
  if (config.prior && !(config.prior.stdDev > 0)) fail('the prior standard deviation must be positive');
}

/**
 * Plain types of the A/B statistics engine. No zod here on purpose: the engine is pure arithmetic and
 * is fed already-validated configuration by the service layer, which owns the schemas.
 */

export type MetricKind = 'binomial' | 'mean' | 'ratio';
export type MetricRole = 'primary' | 'guardrail';
/** Which way is good: `decrease` for latency, error rate, cost. */
export type MetricDirection = 'increase' | 'decrease';
export type AnalysisMethod = 'frequentist' | 'sequential' | 'bayesian';
export type Correction = 'none' | 'holm' | 'bh';

/** Per-variant aggregates for `binomial` (sum = converted units, sumSquares = sum) and `mean` metrics. */
export interface MeanSufficientStats {
  n: number;
  sum: number;
  sumSquares: number;
}

/** Per-variant aggregates for `ratio` metrics: x is the numerator metric per unit, y the denominator. */
export interface RatioSufficientStats {
  n: number;
  sumX: number;
  sumX2: number;
  sumY: number;
  sumY2: number;
  sumXY: number;
}

export type SufficientStats = MeanSufficientStats | RatioSufficientStats;

/** Why a per-variant variance could not be estimated (it is then reported as 0). */
export type VarianceFlag = 'no_units' | 'single_unit' | 'zero_denominator';

/** What the tests below need from one variant of one metric. */
export interface VariantSummary {
  n: number;
  mean: number;
  /** Per-unit variance, so that variance / n is the variance of `mean`. */
  variance: number;
  flag: VarianceFlag | null;
}

export interface Interval {
  effect: number | null;
  ciLower: number | null;
  ciUpper: number | null;
}

/** An optional Gaussian prior on the relative lift (e.g. {mean: 0, stdDev: 0.3}); null = flat. */
export interface LiftPrior {
  mean: number;
  stdDev: number;
}

export interface AbVariantConfig {
  key: string;
  weight: number;
}

export interface AbMetricConfig {
  name: string;
  kind: MetricKind;
  role: MetricRole;
  direction: MetricDirection;
}

/** Field names follow the REST create body (`POST /api/v1/ab-tests`). The first variant is the control. */
export interface AbTestConfig {
  variants: AbVariantConfig[];
  metrics: AbMetricConfig[];
  method: AnalysisMethod;
  alpha: number;
  power: number;
  /** Relative, e.g. 0.05 for a 5% lift. */
  minimumDetectableEffect: number;
  minSamplePerVariant: number;
  sequentialTuning: number;
  correction: Correction;
  /** Prior for the Bayesian read-out; null or absent = flat (improper) prior. */
  prior?: LiftPrior | null;
}

export interface AnalyzeTestInput {
  testId: string;
  status: string;
  config: AbTestConfig;
  /** Exposed units per variant key. */
  exposures: Record<string, number>;
  /**
   * Sufficient statistics per metric name, then per variant key. A missing entry means no unit of that
   * variant had an event for the metric: it is read as `exposures` units that all scored 0.
   */
  stats: Record<string, Record<string, SufficientStats>>;
}

export interface VariantResult {
  key: string;
  n: number;
  mean: number;
  stdDev: number;
}

export interface RiskResult {
  /** Expected loss (in relative-lift units when the lift is defined) of keeping the control. */
  control: number;
  /** Expected loss of shipping this variant. */
  treatment: number;
}

export interface ComparisonResult {
  variant: string;
  control: string;
  absolute: Interval;
  relative: Interval;
  /** Two-sided; the sequential (always-valid) one for sequential tests. */
  pValue: number | null;
  /** Holm / BH across primary comparisons; equals pValue for guardrails and when correction is none. */
  pValueAdjusted: number | null;
  significant: boolean;
  chanceToWin: number | null;
  risk: RiskResult | null;
}

export interface MetricResult {
  name: string;
  kind: MetricKind;
  role: MetricRole;
  direction: MetricDirection;
  variants: VariantResult[];
  comparisons: ComparisonResult[];
}

export interface SrmResult {
  pValue: number | null;
  ok: boolean;
  observed: number[];
  expectedShare: number[];
}

export interface SampleSizeResult {
  requiredPerVariant: number | null;
  minPerVariant: number;
  /** Fraction of the target reached by the smallest variant, in [0, 1]. */
  progress: number;
}

export type RecommendationAction = 'ship' | 'keep_control' | 'continue' | 'investigate';

export interface RecommendationResult {
  action: RecommendationAction;
  /** The variant to ship for `ship`; the control's key for `keep_control`; null otherwise. */
  variant: string | null;
  reason: string;
}

/** The REST contract of `GET /api/v1/ab-tests/{test_id}/results`. */
export interface AbTestResults {
  testId: string;
  status: string;
  method: AnalysisMethod;
  alpha: number;
  srm: SrmResult;
  metrics: MetricResult[];
  sampleSize: SampleSizeResult;
  recommendation: RecommendationResult;
}

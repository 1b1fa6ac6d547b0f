/** Public surface of the A/B statistics engine: the service layer needs analyzeTest and the types. */
export { analyzeTest } from './analyze';
export { adjustPValues, benjaminiHochbergAdjust, holmAdjust } from './multiple-testing';
export { binomialTreatmentVariance, requiredSampleSizePerVariant, requiredSampleSizePerVariantSequential, sampleProgress, sequentialInflationFactor } from './power';
export { SRM_MIN_UNITS, SRM_P_THRESHOLD, srmCheck } from './srm';
export { summarize, zeroStats } from './sufficient-stats';
export type * from './types';

import type { VariantSummary } from './types';

/** A point estimate with the variance of that estimate (not the per-unit variance). */
export interface Estimate {
  estimate: number;
  variance: number;
}

/** An estimate, or why there is none: null fields rather than NaN or Infinity in any output. */
export type EffectResult = (Estimate & { reason: null }) | { estimate: null; variance: null; reason: string };

const none = (reason: string): EffectResult => ({ estimate: null, variance: null, reason });

/** μt − μc with variance σt²/nt + σc²/nc. */
export function absoluteEffect(control: VariantSummary, treatment: VariantSummary): EffectResult {
  if (control.n === 0 || treatment.n === 0) return none('a variant has no units yet');
  return {
    estimate: treatment.mean - control.mean,
    variance: treatment.variance / treatment.n + control.variance / control.n,
    reason: null,
  };
}

/**
 * (μt − μc)/|μc| with the delta-method variance σt²/(nt·μc²) + σc²·μt²/(nc·μc⁴).
 * Dividing by |μc| keeps the sign of the lift equal to the sign of the absolute change when the
 * control mean is negative.
 */
export function relativeEffect(control: VariantSummary, treatment: VariantSummary): EffectResult {
  if (control.n === 0 || treatment.n === 0) return none('a variant has no units yet');
  if (control.mean === 0) return none('the control mean is 0, so a relative change is undefined');
  const mc = control.mean;
  const mt = treatment.mean;
  return {
    estimate: (mt - mc) / Math.abs(mc),
    variance: treatment.variance / (treatment.n * mc ** 2) + (control.variance * mt ** 2) / (control.n * mc ** 4),
    reason: null,
  };
}

import { normal } from '../util/random';

/**
 * FIXTURE — part of the simulated model server.
 *
 * Lognormal latency given its median and 95th percentile (p95 = median · e^(1.645 σ)).
 */
export interface LatencySpec {
  medianMs: number;
  p95Ms: number;
}

export function sampleLatency(spec: LatencySpec, rand: () => number): number {
  const median = Math.max(0, spec.medianMs);
  if (median === 0) return 0;
  const sigma = Math.log(Math.max(spec.p95Ms, median * 1.0001) / median) / 1.645;
  return median * Math.exp(sigma * normal(rand));
}

import type { MetricKind } from './stats';

/**
 * Incremental maintenance of the sufficient statistics. Each unit keeps running sums per event metric;
 * a batch moves some of them from old to new, and each analysed metric's per-unit value moves with them:
 * binomial x = 1 if any value was > 0, mean x = Σ values, ratio x = Σ values and y = Σ denominator
 * values. The variant's aggregates then change by x' − x, x'² − x², y' − y, y'² − y², x'y' − xy, so they
 * always equal a recomputation over the per-unit rows, however many batches touched a unit.
 */

export interface UnitSums {
  sum: number;
  positive: boolean;
}

export interface DeltaMetric {
  name: string;
  kind: MetricKind;
  denominator: string | null;
}

export interface UnitChange {
  variant: string;
  /** The unit's sums before the batch, for every event metric it had (missing = 0, no positive value). */
  before: Map<string, UnitSums>;
  /** The batch's contribution per event metric. */
  batch: Map<string, UnitSums>;
}

export interface AggregateDelta {
  variant: string;
  metric: string;
  sum: number;
  sumSquares: number;
  sumY: number;
  sumYSquares: number;
  sumXy: number;
}

const ZERO: UnitSums = { sum: 0, positive: false };

export function mergeSums(before: UnitSums | undefined, batch: UnitSums | undefined): UnitSums {
  const a = before ?? ZERO;
  if (!batch) return a;
  return { sum: a.sum + batch.sum, positive: a.positive || batch.positive };
}

/** Per-unit value of an analysed metric from the unit's event-metric sums. */
function unitValue(kind: MetricKind, sums: UnitSums | undefined): number {
  if (!sums) return 0;
  return kind === 'binomial' ? (sums.positive ? 1 : 0) : sums.sum;
}

/** The aggregate changes of a batch, summed per (variant, metric) and sorted (lock order). */
export function aggregateDeltas(metrics: readonly DeltaMetric[], changes: Iterable<UnitChange>): AggregateDelta[] {
  const out = new Map<string, AggregateDelta>();
  const add = (variant: string, metric: string, d: Omit<AggregateDelta, 'variant' | 'metric'>) => {
    const key = `${variant}\u0000${metric}`;
    const cur = out.get(key) ?? { variant, metric, sum: 0, sumSquares: 0, sumY: 0, sumYSquares: 0, sumXy: 0 };
    cur.sum += d.sum;
    cur.sumSquares += d.sumSquares;
    cur.sumY += d.sumY;
    cur.sumYSquares += d.sumYSquares;
    cur.sumXy += d.sumXy;
    out.set(key, cur);
  };
  for (const change of changes) {
    for (const m of metrics) {
      const touchesX = change.batch.has(m.name);
      const touchesY = m.denominator !== null && change.batch.has(m.denominator);
      if (!touchesX && !touchesY) continue;
      const x0 = unitValue(m.kind, change.before.get(m.name));
      const x1 = unitValue(m.kind, mergeSums(change.before.get(m.name), change.batch.get(m.name)));
      if (m.kind !== 'ratio') {
        if (x0 !== x1) add(change.variant, m.name, { sum: x1 - x0, sumSquares: x1 * x1 - x0 * x0, sumY: 0, sumYSquares: 0, sumXy: 0 });
        continue;
      }
      const y0 = unitValue('mean', change.before.get(m.denominator!));
      const y1 = unitValue('mean', mergeSums(change.before.get(m.denominator!), change.batch.get(m.denominator!)));
      if (x0 === x1 && y0 === y1) continue;
      add(change.variant, m.name, { sum: x1 - x0, sumSquares: x1 * x1 - x0 * x0, sumY: y1 - y0, sumYSquares: y1 * y1 - y0 * y0, sumXy: x1 * y1 - x0 * y0 });
    }
  }
  return [...out.values()].sort((a, b) => (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
}

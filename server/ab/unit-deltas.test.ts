import { describe, expect, it } from 'vitest';
import { aggregateDeltas, mergeSums, type DeltaMetric, type UnitSums } from './unit-deltas';

const metrics: DeltaMetric[] = [
  { name: 'converted', kind: 'binomial', denominator: null },
  { name: 'revenue', kind: 'mean', denominator: null },
  { name: 'clicks', kind: 'ratio', denominator: 'views' },
];
const sums = (entries: Record<string, [number, boolean]>) => new Map<string, UnitSums>(Object.entries(entries).map(([k, [sum, positive]]) => [k, { sum, positive }]));

describe('aggregate deltas', () => {
  it('turns a binomial indicator on once, whatever the values that follow', () => {
    const first = aggregateDeltas(metrics, [{ variant: 'a', before: new Map(), batch: sums({ converted: [1, true] }) }]);
    expect(first).toEqual([{ variant: 'a', metric: 'converted', sum: 1, sumSquares: 1, sumY: 0, sumYSquares: 0, sumXy: 0 }]);
    const again = aggregateDeltas(metrics, [{ variant: 'a', before: sums({ converted: [1, true] }), batch: sums({ converted: [3, true] }) }]);
    expect(again).toEqual([]);
    const zero = aggregateDeltas(metrics, [{ variant: 'a', before: new Map(), batch: sums({ converted: [0, false] }) }]);
    expect(zero).toEqual([]);
  });

  it('moves Σx and Σx² of a mean metric by s′ − s and s′² − s²', () => {
    const [d] = aggregateDeltas(metrics, [{ variant: 'b', before: sums({ revenue: [3, true] }), batch: sums({ revenue: [2, true] }) }]);
    expect(d).toMatchObject({ metric: 'revenue', sum: 2, sumSquares: 25 - 9 });
  });

  it('keeps Σx, Σy, Σxy of a ratio exact when only the denominator changes', () => {
    const [d] = aggregateDeltas(metrics, [{ variant: 'a', before: sums({ clicks: [2, true], views: [4, true] }), batch: sums({ views: [1, true] }) }]);
    expect(d).toEqual({ variant: 'a', metric: 'clicks', sum: 0, sumSquares: 0, sumY: 1, sumYSquares: 25 - 16, sumXy: 10 - 8 });
  });

  it('equals a recomputation from scratch after many batches', () => {
    const state = new Map<string, Map<string, UnitSums>>();
    const total = new Map<string, number[]>();
    let seed = 7;
    const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let batch = 0; batch < 50; batch++) {
      const changes = [];
      for (let u = 0; u < 20; u++) {
        if (rand() < 0.5) continue;
        const unit = `u${u}`;
        const before = new Map(state.get(unit) ?? []);
        const b = new Map<string, UnitSums>();
        for (const name of ['converted', 'revenue', 'clicks', 'views']) {
          if (rand() < 0.5) continue;
          const value = Math.floor(rand() * 7) - 2;
          b.set(name, { sum: value, positive: value > 0 });
        }
        changes.push({ variant: u % 2 ? 'a' : 'b', before, batch: b });
        const next = new Map(before);
        for (const [k, v] of b) next.set(k, mergeSums(before.get(k), v));
        state.set(unit, next);
      }
      for (const d of aggregateDeltas(metrics, changes)) {
        const cur = total.get(`${d.variant}/${d.metric}`) ?? [0, 0, 0, 0, 0];
        total.set(`${d.variant}/${d.metric}`, [cur[0] + d.sum, cur[1] + d.sumSquares, cur[2] + d.sumY, cur[3] + d.sumYSquares, cur[4] + d.sumXy]);
      }
    }
    const expected = new Map<string, number[]>();
    for (const [unit, s] of state) {
      const variant = Number(unit.slice(1)) % 2 ? 'a' : 'b';
      const acc = (key: string, v: number[]) => {
        const cur = expected.get(key) ?? [0, 0, 0, 0, 0];
        expected.set(key, cur.map((c, i) => c + v[i]));
      };
      const conv = s.get('converted')?.positive ? 1 : 0;
      acc(`${variant}/converted`, [conv, conv, 0, 0, 0]);
      const rev = s.get('revenue')?.sum ?? 0;
      acc(`${variant}/revenue`, [rev, rev * rev, 0, 0, 0]);
      const x = s.get('clicks')?.sum ?? 0;
      const y = s.get('views')?.sum ?? 0;
      acc(`${variant}/clicks`, [x, x * x, y, y * y, x * y]);
    }
    for (const [key, want] of expected) expect(total.get(key) ?? [0, 0, 0, 0, 0], key).toEqual(want);
  });
});

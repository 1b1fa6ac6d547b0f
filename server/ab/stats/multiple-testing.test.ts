import { describe, expect, it } from 'vitest';
import { adjustPValues, benjaminiHochbergAdjust, holmAdjust } from './multiple-testing';

// The 15 p-values of Benjamini & Hochberg (1995), "Controlling the false discovery rate", JRSS B 57(1),
// section 4 (Neaton & Wentworth's myocardial-infarction study). The paper: BH at q = 0.05 rejects the
// 4 smallest, the Bonferroni-type procedures (Holm) only the 3 smallest.
const BH_1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0];

describe('Benjamini–Hochberg', () => {
  it('reproduces the 1995 paper: 4 discoveries at q = 0.05', () => {
    const adjusted = benjaminiHochbergAdjust(BH_1995) as number[];
    expect(adjusted.filter((p) => p < 0.05)).toHaveLength(4);
    // scipy 1.17.1 scipy.stats.false_discovery_control(p) (the BH adjustment):
    const scipy = [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.06385714285714286, 0.06385714285714286, 0.0645, 0.0765, 0.486, 0.5811818181818181, 0.714875, 0.7532307692307693, 0.8132142857142857, 1.0];
    adjusted.forEach((p, i) => expect(p).toBeCloseTo(scipy[i], 14));
  });
});

describe('Holm–Bonferroni', () => {
  it('reproduces the 1995 paper: 3 rejections at α = 0.05', () => {
    const adjusted = holmAdjust(BH_1995) as number[];
    expect(adjusted.filter((p) => p < 0.05)).toHaveLength(3);
    // By hand: 15·0.0001, 14·0.0004, 13·0.0019, 12·0.0095, 11·0.0201, then max(10·0.0278, ·) carried.
    const expected = [0.0015, 0.0056, 0.0247, 0.114, 0.2211, 0.278, 0.278, 0.278, 0.3213, 1, 1, 1, 1, 1, 1];
    adjusted.forEach((p, i) => expect(p).toBeCloseTo(expected[i], 14));
  });
});

describe('ordering, monotonicity, nulls', () => {
  const shuffled = [0.04, 0.001, 0.03, null, 0.2, 0.01];
  it('returns adjusted values in the caller order, skipping nulls (m = 5 here)', () => {
    // Sorted: 0.001·5, 0.01·4, 0.03·3, 0.04·2 → 0.08 lifted to the running max 0.09, 0.2·1.
    const holm = holmAdjust(shuffled);
    [0.09, 0.005, 0.09, null, 0.2, 0.04].forEach((p, i) => (p === null ? expect(holm[i]).toBeNull() : expect(holm[i]).toBeCloseTo(p, 15)));
    // Sorted: 0.001·5/1, 0.01·5/2, 0.03·5/3, 0.04·5/4, 0.2·5/5, then running minima from the top.
    const bh = benjaminiHochbergAdjust(shuffled);
    [0.05, 0.005, 0.05, null, 0.2, 0.025].forEach((p, i) => (p === null ? expect(bh[i]).toBeNull() : expect(bh[i]).toBeCloseTo(p, 15)));
  });
  it('is monotone in the raw p-values, never below them and capped at 1', () => {
    const raw = [0.3, 0.02, 0.9, 0.021, 0.5, 0.0001];
    for (const method of ['holm', 'bh'] as const) {
      const adj = adjustPValues(raw, method) as number[];
      const order = raw.map((_, i) => i).sort((a, b) => raw[a] - raw[b]);
      for (let k = 1; k < order.length; k++) expect(adj[order[k]]).toBeGreaterThanOrEqual(adj[order[k - 1]]);
      adj.forEach((p, i) => {
        expect(p).toBeGreaterThanOrEqual(raw[i]);
        expect(p).toBeLessThanOrEqual(1);
      });
    }
  });
  it('leaves p-values alone without a correction', () => {
    expect(adjustPValues([0.2, null], 'none')).toEqual([0.2, null]);
  });
});

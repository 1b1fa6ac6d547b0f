import { describe, expect, it } from 'vitest';
import { assignIndex, bucketOf, murmur3, unitPosition } from './hash';
import { srmCheck } from './stats';
import { chiSquaredSf } from './stats/distributions/chi-squared';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('murmur3 (x86, 32-bit)', () => {
  // Reference values of MurmurHash3_x86_32 as published with the reference implementation
  // (SMHasher) and reproduced by common ports (Python mmh3, Guava murmur3_32_fixed).
  it.each([
    ['', 0, 0x00000000],
    ['hello', 0, 0x248bfa47],
    ['hello', 1, 0xbb4abcad],
    ['abc', 0, 0xb3dd93fa],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
  ])('%j with seed %i', (input, seed, expected) => {
    expect(murmur3(bytes(input), seed)).toBe(expected);
  });

  it('hashes only the first `len` bytes when given', () => {
    expect(murmur3(bytes('hello, and more bytes after'), 0, 5)).toBe(0x248bfa47);
    expect(murmur3(bytes('abcdef'), 0, 3)).toBe(0xb3dd93fa);
  });
});

describe('assignment', () => {
  it('is a pure function of salt, unit and weights (pinned values: must never change across releases)', () => {
    expect(unitPosition('fixed-salt', 'user-1')).toBeCloseTo(0.330810114974156, 15);
    expect([1, 2, 3].map((i) => assignIndex('fixed-salt', `user-${i}`, [0.2, 0.3, 0.5]))).toEqual([1, 1, 2]);
    expect(assignIndex('fixed-salt', 'ü-ñ-中文', [0.2, 0.3, 0.5])).toBe(2);
    for (let i = 0; i < 1000; i++) expect(assignIndex('s', `u${i}`, [0.5, 0.5])).toBe(assignIndex('s', `u${i}`, [0.5, 0.5]));
  });

  it('hashes exactly the UTF-8 bytes of salt:unit, whatever the text (reused buffer, grown for long texts)', () => {
    const units = ['', 'user-1', 'ü-ñ-中文', '😀 emoji', 'lone \ud800 high', 'lone \udc00 low', 'end \ud83d', 'x'.repeat(400), '中'.repeat(2000), 'short again'];
    for (const salt of ['fixed-salt', 'sålt-中', '']) {
      for (const unit of units) expect(unitPosition(salt, unit), `${salt}:${unit.slice(0, 20)}`).toBe(murmur3(bytes(`${salt}:${unit}`)) / 2 ** 32);
    }
  });

  it('cuts [0, 1) into consecutive slices of the weights', () => {
    expect(bucketOf(0, [0.2, 0.3, 0.5])).toBe(0);
    expect(bucketOf(0.1999, [0.2, 0.3, 0.5])).toBe(0);
    expect(bucketOf(0.2, [0.2, 0.3, 0.5])).toBe(1);
    expect(bucketOf(0.4999, [0.2, 0.3, 0.5])).toBe(1);
    expect(bucketOf(0.5, [0.2, 0.3, 0.5])).toBe(2);
    expect(bucketOf(0.999999, [0.2, 0.3, 0.5])).toBe(2);
  });

  it('depends on the salt: two tests split the same units independently', () => {
    const units = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
    const agree = units.filter((u) => assignIndex('salt-a', u, [0.5, 0.5]) === assignIndex('salt-b', u, [0.5, 0.5])).length;
    // Independent fair coins agree half the time: 5000 ± 4.4σ (σ = 50).
    expect(Math.abs(agree - 5000)).toBeLessThan(220);
  });

  const UNITS = 100_000;
  it.each([
    [[0.5, 0.5]],
    [[0.2, 0.3, 0.5]],
  ])('over %j: 100,000 units pass a χ² test at p ≥ 0.001 and respect the weights', (weights) => {
    for (const salt of ['aB3xQ9pL0mN2zR7t', 'another-salt']) {
      const counts = weights.map(() => 0);
      for (let i = 0; i < UNITS; i++) counts[assignIndex(salt, `user-${i}`, weights)]++;
      const check = srmCheck(counts, weights);
      expect(check.pValue, `χ² p for ${counts}`).toBeGreaterThanOrEqual(0.001);
      counts.forEach((c, i) => expect(Math.abs(c / UNITS - weights[i])).toBeLessThan(0.01));
    }
  });

  it('spreads positions uniformly over [0, 1) (χ² over 50 equal bins, sequential and random-looking ids)', () => {
    for (const id of [(i: number) => `user-${i}`, (i: number) => `${(i * 2654435761) % 2 ** 32}`, (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`]) {
      const bins = new Array(50).fill(0);
      for (let i = 0; i < UNITS; i++) bins[Math.floor(unitPosition('uniformity', id(i)) * 50)]++;
      const expected = UNITS / 50;
      const chi2 = bins.reduce((s, o) => s + ((o - expected) * (o - expected)) / expected, 0);
      expect(chiSquaredSf(chi2, 49)).toBeGreaterThanOrEqual(0.001);
    }
  });
});

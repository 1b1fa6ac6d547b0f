import { describe, expect, it } from 'vitest';
import { deepEqual, stableStringify } from './json';

describe('deepEqual', () => {
  const cases: [unknown, unknown][] = [
    [{ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }],
    [{ a: 1, b: undefined }, { a: 1 }],
    [[1, undefined], [1, null]],
    [{ a: [1, 2] }, { a: [2, 1] }],
    [{ a: 1 }, { a: '1' }],
    [{ a: null }, {}],
    [[], {}],
    [{ a: { b: 1 } }, { a: { b: 1, c: 2 } }],
    [0, -0],
    [NaN, null],
  ];
  it('agrees with comparing stable strings, without building them', () => {
    for (const [a, b] of cases) {
      expect(deepEqual(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(stableStringify(a) === stableStringify(b));
      expect(deepEqual(b, a)).toBe(deepEqual(a, b));
    }
  });

  it('skips the ignored keys at the top level only', () => {
    const ignore = new Set(['status']);
    expect(deepEqual({ spec: 1, status: 2 }, { spec: 1, status: 3 }, ignore)).toBe(true);
    expect(deepEqual({ spec: 1, status: 2 }, { spec: 1 }, ignore)).toBe(true);
    expect(deepEqual({ spec: { status: 1 } }, { spec: { status: 2 } }, ignore)).toBe(false);
  });
});

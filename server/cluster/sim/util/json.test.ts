import { describe, expect, it } from 'vitest';
import { clone, deepEqual, stableStringify } from './json';

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

describe('clone', () => {
  it('copies JSON deeply: changing the copy leaves the original (even a frozen one) alone', () => {
    const original = Object.freeze({ metadata: Object.freeze({ name: 'a', labels: { x: '1' } }), spec: { list: [1, { y: [2, 3] }], none: null, flag: false } });
    const copy = clone(original);
    expect(copy).toEqual(original);
    expect(Object.isFrozen(copy)).toBe(false);
    (copy.spec.list[1] as { y: number[] }).y.push(4);
    copy.metadata.labels.x = '2';
    expect(original.spec.list[1]).toEqual({ y: [2, 3] });
    expect(original.metadata.labels.x).toBe('1');
  });

  it('keeps keys holding undefined, and copies what is not plain JSON as structuredClone does', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const copy = clone({ a: undefined, at, n: 1 });
    expect(Object.keys(copy)).toEqual(['a', 'at', 'n']);
    expect(copy.at).toBeInstanceOf(Date);
    expect(copy.at).not.toBe(at);
    expect(copy.at.getTime()).toBe(at.getTime());
    expect(clone(undefined)).toBeUndefined();
    expect(clone('s')).toBe('s');
  });
});

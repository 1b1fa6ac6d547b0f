import { describe, expect, it } from 'vitest';
import { tickBatch } from './tick-batch';

describe('tickBatch', () => {
  it('answers calls made in one turn with one run, each with its own result in order', async () => {
    const runs: number[][] = [];
    const double = tickBatch(async (xs: number[]) => {
      runs.push(xs);
      return xs.map((x) => x * 2);
    });
    expect(await Promise.all([double(1), double(2), double(3)])).toEqual([2, 4, 6]);
    expect(runs).toEqual([[1, 2, 3]]);
    expect(await double(5)).toBe(10);
    expect(runs).toEqual([[1, 2, 3], [5]]);
  });

  it('rejects every call of a batch whose run failed, and later batches start afresh', async () => {
    let fail = true;
    const f = tickBatch(async (xs: string[]) => {
      if (fail) throw new Error('down');
      return xs.map((x) => x.toUpperCase());
    });
    const results = await Promise.allSettled([f('a'), f('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await f('c')).toBe('C');
  });
});

import { describe, expect, it } from 'vitest';
import { SimClock } from '../clock';
import { WorkQueue } from './work-queue';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('WorkQueue', () => {
  it('reconciles each queued key once, in order, on a later turn', async () => {
    const seen: string[] = [];
    const queue = new WorkQueue('test', (k) => seen.push(k), new SimClock(1));
    for (const k of ['a', 'b', 'a', 'c']) queue.add(k);
    expect(seen).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['a', 'b', 'c']);
    queue.stop();
  });

  it('lets other work run between slices of a long drain, and keeps the order of what was queued first', async () => {
    const order: string[] = [];
    const queue = new WorkQueue('test', (k) => {
      busy(2);
      order.push(k);
    }, new SimClock(1));
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    for (const k of keys) queue.add(k);
    // Something the event loop has to serve meanwhile (an API request's callback, in the simulator).
    setImmediate(() => {
      order.push('other');
      queue.add('late');
    });
    await new Promise((r) => setTimeout(r, 100));
    const other = order.indexOf('other');
    expect(other).toBeGreaterThan(0);
    expect(other).toBeLessThan(keys.length);
    expect(order.filter((k) => k !== 'other')).toEqual([...keys, 'late']);
    queue.stop();
  });
});

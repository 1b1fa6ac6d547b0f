import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { IndexedCounter, IndexedHistogram } from './indexed';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The same two metrics twice: prom-client's own in one registry, the indexed ones in another. */
function pair() {
  const reference = new Registry();
  const indexed = new Registry();
  const ref = {
    histogram: new Histogram({ name: 'x_duration_seconds', help: 'Durations', labelNames: ['method', 'route', 'status'], buckets: BUCKETS, registers: [reference] }),
    counter: new Counter({ name: 'x_total', help: 'Things "counted"\nper label', labelNames: ['test', 'variant'], registers: [reference] }),
  };
  const ours = {
    histogram: new IndexedHistogram('x_duration_seconds', 'Durations', ['method', 'route', 'status'], BUCKETS, [indexed]),
    counter: new IndexedCounter('x_total', 'Things "counted"\nper label', ['test', 'variant'], [indexed]),
  };
  const observe = (method: string, route: string, status: number, seconds: number) => {
    ref.histogram.observe({ method, route, status: String(status) }, seconds);
    ours.histogram.observe(method, route, status, seconds);
  };
  const inc = (test: string, variant: string) => {
    ref.counter.inc({ test, variant });
    ours.counter.inc(test, variant);
  };
  return { reference, indexed, observe, inc };
}

// Interleaved label sets (first-seen order matters), values on a bound, past the last bound, zero and
// fractions whose sum depends on the order of addition, label values that need escaping.
function feed({ observe, inc }: ReturnType<typeof pair>) {
  const values = [0, 0.005, 0.0050001, 0.3, 10, 10.5, 123, 0.1 + 0.2, 1e-9];
  values.forEach((v, i) => {
    observe('GET', '/ab-tests/{test_id}/assign', 200, v);
    observe(i % 2 ? 'POST' : 'GET', i % 3 ? '/models' : 'unmatched', i % 4 ? 404 : 200, v / 3);
    observe('GET', 'a "quoted" \\ route\nwith a newline', 500, v * 7);
  });
  for (let i = 0; i < 50; i++) inc(`test-${i % 7}`, i % 3 ? 'control' : 'treat"ment');
  inc('test-0', 'late-variant');
}

describe('IndexedCounter and IndexedHistogram', () => {
  it('render exactly as prom-client Counter and Histogram, text and JSON', async () => {
    const p = pair();
    feed(p);
    expect(await p.indexed.metrics()).toBe(await p.reference.metrics());
    expect(await p.indexed.getMetricsAsJSON()).toEqual(await p.reference.getMetricsAsJSON());
  });

  it('render nothing but the header before the first observation', async () => {
    const p = pair();
    expect(await p.indexed.metrics()).toBe(await p.reference.metrics());
  });

  it('start over after a registry reset, as prom-client does', async () => {
    const p = pair();
    feed(p);
    p.reference.resetMetrics();
    p.indexed.resetMetrics();
    expect(await p.indexed.metrics()).toBe(await p.reference.metrics());
    p.inc('test-9', 'control');
    p.observe('GET', '/models', 200, 0.02);
    p.inc('test-0', 'control');
    expect(await p.indexed.metrics()).toBe(await p.reference.metrics());
  });

  it('refuses a non-finite observation like prom-client, and counts nothing for it', async () => {
    const registry = new Registry();
    const histogram = new IndexedHistogram('x_seconds', 'Durations', ['method', 'route', 'status'], BUCKETS, [registry]);
    expect(() => histogram.observe('GET', '/models', 200, Number.NaN)).toThrow(TypeError);
    expect(() => histogram.observe('GET', '/models', 200, Infinity)).toThrow(TypeError);
    expect(await registry.metrics()).not.toContain('/models');
  });
});

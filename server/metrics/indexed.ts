import type { Metric, Registry } from 'prom-client';

/*
 * A counter and a histogram for the per-request metrics, rendered by prom-client's Registry exactly as its own
 * Counter and Histogram render (indexed.test.ts compares both), but cheaper to update. prom-client builds and
 * hashes a string from the label object on every inc/observe, children from `labels()` included; here a
 * series is found through Maps keyed by the label values themselves (route templates, test ids and variant
 * keys are the same string objects request after request, so their hashes are cached), and nothing is
 * allocated once a series exists.
 *
 * Series are kept until reset(), like prom-client's: the set of label values is the metric's cardinality.
 */

interface CounterSeries<N extends string> {
  value: number;
  labels: Record<N, string>;
}

/** prom-client's Registry only reads name, help, type, aggregator, get(), getForPromString() and reset(). */
function register(metric: object, registers: Registry[]) {
  for (const registry of registers) registry.registerMetric(metric as Metric);
}

/** A counter with two labels, incremented by one. */
export class IndexedCounter<A extends string, B extends string> {
  readonly type = 'counter';
  readonly aggregator = 'sum';
  private index = new Map<string, Map<string, CounterSeries<A | B>>>();
  private series: CounterSeries<A | B>[] = [];

  constructor(
    public name: string,
    readonly help: string,
    private readonly labelNames: readonly [A, B],
    registers: Registry[],
  ) {
    register(this, registers);
  }

  inc(a: string, b: string): void {
    let byB = this.index.get(a);
    if (!byB) this.index.set(a, (byB = new Map()));
    let series = byB.get(b);
    if (!series) {
      const [nameA, nameB] = this.labelNames;
      series = { value: 0, labels: { [nameA]: a, [nameB]: b } as Record<A | B, string> };
      byB.set(b, series);
      this.series.push(series);
    }
    series.value += 1;
  }

  async get() {
    return { help: this.help, name: this.name, type: this.type, values: [...this.series], aggregator: this.aggregator };
  }

  reset(): void {
    this.index = new Map();
    this.series = [];
  }
}

interface HistogramSeries<N extends string> {
  labels: Record<N, string>;
  /** Observations per bucket (not cumulative); one past the last bound counts nothing, as in prom-client. */
  buckets: number[];
  sum: number;
  count: number;
}

/** A histogram with three labels, the third given as a number (an HTTP status) and exposed as its string. */
export class IndexedHistogram<A extends string, B extends string, C extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private index = new Map<string, Map<string, Map<number, HistogramSeries<A | B | C>>>>();
  private series: HistogramSeries<A | B | C>[] = [];

  constructor(
    public name: string,
    readonly help: string,
    private readonly labelNames: readonly [A, B, C],
    private readonly upperBounds: readonly number[],
    registers: Registry[],
  ) {
    register(this, registers);
  }

  observe(a: string, b: string, c: number, value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    let byB = this.index.get(a);
    if (!byB) this.index.set(a, (byB = new Map()));
    let byC = byB.get(b);
    if (!byC) byB.set(b, (byC = new Map()));
    let series = byC.get(c);
    if (!series) {
      const [nameA, nameB, nameC] = this.labelNames;
      series = { labels: { [nameA]: a, [nameB]: b, [nameC]: String(c) } as Record<A | B | C, string>, buckets: this.upperBounds.map(() => 0), sum: 0, count: 0 };
      byC.set(c, series);
      this.series.push(series);
    }
    series.sum += value;
    series.count += 1;
    const bounds = this.upperBounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        series.buckets[i] += 1;
        break;
      }
    }
  }

  /** The values in prom-client's shape: cumulative buckets, +Inf, sum and count per series, the series' labels shared. */
  async getForPromString() {
    const bucketName = `${this.name}_bucket`;
    const values: { labels: { le?: number | string }; sharedLabels: Record<A | B | C, string>; value: number; metricName: string; exemplar: null | undefined }[] = [];
    for (const s of this.series) {
      let cumulative = 0;
      for (let i = 0; i < this.upperBounds.length; i++) {
        cumulative += s.buckets[i];
        values.push({ labels: { le: this.upperBounds[i] }, sharedLabels: s.labels, value: cumulative, metricName: bucketName, exemplar: null });
      }
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucketName, exemplar: null },
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum`, exemplar: undefined },
        { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count`, exemplar: undefined },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** As prom-client's get(): each value's labels merged with its series' labels. */
  async get() {
    const data = await this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ sharedLabels, labels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } })),
    };
  }

  reset(): void {
    this.index = new Map();
    this.series = [];
  }
}

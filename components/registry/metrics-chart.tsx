'use client';

import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, type TooltipContentProps, XAxis, YAxis } from 'recharts';
import { formatMetric } from './parse';
import styles from './registry.module.css';
import type { Comparison } from './types';

type Metric = Comparison['metrics'][number];

/** Side colours: A is the baseline (slate), B the candidate (the app's primary blue). */
export const SIDE_COLORS = { a: '#8391a7', b: '#2f5bea' } as const;

interface Row {
  name: string;
  a: number | null;
  b: number | null;
  rawA: number | null;
  rawB: number | null;
  direction: Metric['direction'];
}

/**
 * Grouped bars, A against B, per metric. Metrics live on different scales (accuracy 0.9, latency
 * 140 ms), so by default each metric is shown relative to its larger side (= 100 %); "Raw values"
 * plots them on one axis. The tooltip always shows the raw numbers.
 */
export function MetricsChart({ metrics, labelA, labelB }: { metrics: readonly Metric[]; labelA: string; labelB: string }) {
  const spread = scaleSpread(metrics);
  const [mode, setMode] = useState<'relative' | 'raw'>(spread > 20 ? 'relative' : 'raw');
  const data: Row[] = metrics.map((m) => {
    const max = Math.max(Math.abs(m.a ?? 0), Math.abs(m.b ?? 0)) || 1;
    const scale = (v: number | null) => (v === null ? null : mode === 'relative' ? (v / max) * 100 : v);
    return { name: m.name, a: scale(m.a), b: scale(m.b), rawA: m.a, rawB: m.b, direction: m.direction };
  });
  const height = Math.max(220, Math.min(380, 180 + metrics.length * 12));

  return (
    <figure className={styles.chartFigure}>
      <div className={styles.chartToolbar}>
        <figcaption className="small muted">
          {mode === 'relative' ? 'Each metric relative to its larger value (= 100 %).' : 'Raw values on one axis.'} Hover a bar for the numbers.
        </figcaption>
        <div className={styles.segmented} role="radiogroup" aria-label="Chart scale">
          <label className={mode === 'relative' ? styles.segmentedOn : undefined}>
            <input type="radio" name="chart-scale" className="sr-only" checked={mode === 'relative'} onChange={() => setMode('relative')} />
            Relative
          </label>
          <label className={mode === 'raw' ? styles.segmentedOn : undefined}>
            <input type="radio" name="chart-scale" className="sr-only" checked={mode === 'raw'} onChange={() => setMode('raw')} />
            Raw values
          </label>
        </div>
      </div>
      <div style={{ width: '100%', height }} role="img" aria-label={`Bar chart of ${metrics.length} metrics, ${labelA} against ${labelB}; the table below has the numbers.`}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} barGap={2} barCategoryGap="22%">
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e3e6eb" />
            <XAxis dataKey="name" tick={{ fontSize: 12, fill: '#4a5263' }} interval={0} angle={metrics.length > 6 ? -25 : 0} textAnchor={metrics.length > 6 ? 'end' : 'middle'} height={metrics.length > 6 ? 60 : 30} />
            <YAxis tick={{ fontSize: 12, fill: '#6b7385' }} width={56} tickFormatter={(v: number) => (mode === 'relative' ? `${Math.round(v)}%` : formatMetric(v))} />
            <Tooltip cursor={{ fill: 'rgba(47, 91, 234, 0.06)' }} content={(props) => <ChartTooltip {...(props as TooltipContentProps<number, string>)} labelA={labelA} labelB={labelB} />} />
            <Legend wrapperStyle={{ fontSize: 12 }} formatter={(value) => (value === 'a' ? `A · ${labelA}` : `B · ${labelB}`)} />
            <Bar dataKey="a" name="a" fill={SIDE_COLORS.a} radius={[3, 3, 0, 0]} isAnimationActive={false} />
            <Bar dataKey="b" name="b" fill={SIDE_COLORS.b} radius={[3, 3, 0, 0]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

function ChartTooltip({ active, payload, labelA, labelB }: TooltipContentProps<number, string> & { labelA: string; labelB: string }) {
  const row = payload?.[0]?.payload as Row | undefined;
  if (!active || !row) return null;
  return (
    <div className={styles.chartTooltip}>
      <div className="strong mono">{row.name}</div>
      <div className="small muted">{row.direction === 'higher' ? '↑ higher is better' : '↓ lower is better'}</div>
      <div>
        <span className={styles.swatch} style={{ background: SIDE_COLORS.a }} /> {labelA}: <span className="mono">{formatMetric(row.rawA)}</span>
      </div>
      <div>
        <span className={styles.swatch} style={{ background: SIDE_COLORS.b }} /> {labelB}: <span className="mono">{formatMetric(row.rawB)}</span>
      </div>
    </div>
  );
}

/** Ratio between the largest and smallest non-zero magnitude across all metrics. */
function scaleSpread(metrics: readonly Metric[]): number {
  const mags = metrics.flatMap((m) => [m.a, m.b]).filter((v): v is number => v !== null && v !== 0).map(Math.abs);
  if (mags.length < 2) return 1;
  return Math.max(...mags) / Math.min(...mags);
}

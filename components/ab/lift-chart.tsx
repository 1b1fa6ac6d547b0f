'use client';

import { useState } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, type TooltipContentProps, XAxis, YAxis } from 'recharts';
import { formatDateTime } from '@/components/ui/time';
import styles from './ab.module.css';
import { formatLift } from './explain';
import type { LiftPoint } from './types';

interface Point {
  t: number;
  effect: number | null;
  band: [number, number] | null;
  n: number;
}

/** The series of one metric and variant, oldest first, in percent. */
export function liftSeries(points: readonly LiftPoint[], metric: string, variant: string): Point[] {
  return points
    .filter((p) => p.metric === metric && p.variant === variant)
    .map((p) => ({
      t: new Date(p.at).getTime(),
      effect: p.relativeEffect === null ? null : p.relativeEffect * 100,
      band: p.ciLower === null || p.ciUpper === null ? null : ([p.ciLower * 100, p.ciUpper * 100] as [number, number]),
      n: p.n,
    }));
}

/**
 * Cumulative relative lift over time with its interval as a band. Early on the band is wide and the
 * line wanders; a band that settles away from zero is a real effect, one that keeps hugging zero is not.
 */
export function LiftChart({ points, metrics, variants }: { points: readonly LiftPoint[]; metrics: string[]; variants: string[] }) {
  const [metric, setMetric] = useState(metrics[0] ?? '');
  const [variant, setVariant] = useState(variants[0] ?? '');
  const data = liftSeries(points, metric, variant);
  const { domain, ticks } = yScale(data);
  return (
    <figure className={styles.chartFigure} data-testid="lift-chart">
      <div className={styles.chartToolbar}>
        <figcaption className="small muted">Cumulative lift of {variant} over the control, with its interval (shaded). A band that settles away from the zero line is a real effect.</figcaption>
        <div className="row gap-sm">
          <label className="sr-only" htmlFor="lift-metric">
            Metric
          </label>
          <select id="lift-metric" className="select select-sm" value={metric} onChange={(e) => setMetric(e.target.value)}>
            {metrics.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
          {variants.length > 1 && (
            <>
              <label className="sr-only" htmlFor="lift-variant">
                Variant
              </label>
              <select id="lift-variant" className="select select-sm" value={variant} onChange={(e) => setVariant(e.target.value)}>
                {variants.map((v) => (
                  <option key={v}>{v}</option>
                ))}
              </select>
            </>
          )}
        </div>
      </div>
      {data.length === 0 ? (
        <p className="muted small">No snapshots yet: the lift is recorded at most once a minute while the test runs and is read.</p>
      ) : (
        <div style={{ width: '100%', height: 260 }} role="img" aria-label={`Lift of ${variant} on ${metric} over ${data.length} snapshots`}>
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e3e6eb" />
              <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={shortTime} tick={{ fontSize: 12, fill: '#6b7385' }} />
              <YAxis domain={domain} ticks={ticks} allowDataOverflow tickFormatter={(v: number) => `${v > 0 ? '+' : ''}${Math.round(v * 10) / 10}%`} tick={{ fontSize: 12, fill: '#6b7385' }} width={60} />
              <ReferenceLine y={0} stroke="#1a1f2b" strokeWidth={1.5} />
              <Tooltip content={(props) => <LiftTooltip {...(props as TooltipContentProps<number, string>)} />} />
              <Area dataKey="band" stroke="none" fill="#2f5bea" fillOpacity={0.16} isAnimationActive={false} connectNulls />
              <Line dataKey="effect" stroke="#2f5bea" strokeWidth={2} dot={data.length < 30} isAnimationActive={false} connectNulls />
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}

function shortTime(t: number): string {
  const d = new Date(t);
  return `${d.getMonth() + 1}/${d.getDate()} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function LiftTooltip({ active, payload }: TooltipContentProps<number, string>) {
  const p = payload?.[0]?.payload as Point | undefined;
  if (!active || !p) return null;
  return (
    <div className={styles.chartTooltip}>
      <div className="strong">{formatDateTime(p.t)}</div>
      <div>
        Lift <span className="mono strong">{formatLift(p.effect === null ? null : p.effect / 100)}</span>
      </div>
      {p.band && (
        <div className="muted">
          interval {formatLift(p.band[0] / 100)} to {formatLift(p.band[1] / 100)}
        </div>
      )}
      <div className="muted">{p.n.toLocaleString('en-US')} units in the variant</div>
    </div>
  );
}

/**
 * The y range and round ticks: wide enough for the latest interval and the whole line, but not for the
 * first hours' huge intervals, which would flatten everything after them (they are clipped at the edge).
 */
export function yScale(data: readonly Point[]): { domain: [number, number]; ticks: number[] } {
  const last = data.at(-1);
  const values = data.flatMap((p) => (p.effect === null ? [] : [p.effect]));
  if (last?.band) values.push(last.band[0], last.band[1]);
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const span = Math.max((hi - lo) * 1.3, 2);
  const raw = span / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((x) => x >= raw) ?? 10 * magnitude;
  const from = Math.floor((lo - (span - (hi - lo)) / 2) / step) * step;
  const to = Math.ceil((hi + (span - (hi - lo)) / 2) / step) * step;
  const ticks = Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Number((from + i * step).toPrecision(6)));
  return { domain: [from, to], ticks };
}

'use client';

import { Bar, CartesianGrid, ComposedChart, ReferenceLine, ResponsiveContainer, Tooltip, type TooltipContentProps, XAxis, YAxis } from 'recharts';
import styles from './ab.module.css';
import { confidenceLevel, formatLift, formatP, verdictOf, type Verdict } from './explain';
import type { AbResults } from './types';

export const VERDICT_COLORS: Record<Verdict, string> = { better: '#177245', worse: '#b42318', inconclusive: '#8391a7' };

interface Row {
  label: string;
  metric: string;
  variant: string;
  role: 'primary' | 'guardrail';
  direction: 'increase' | 'decrease';
  /** [lower, upper] of the relative lift, in percent. */
  range: [number, number];
  effect: number;
  verdict: Verdict;
  pValue: number | null;
}

/** Rows of the forest plot: one per metric and non-control variant that has an interval. */
export function forestRows(results: AbResults): Row[] {
  return results.metrics.flatMap((m) =>
    m.comparisons
      .filter((c) => c.relative.effect !== null && c.relative.ciLower !== null && c.relative.ciUpper !== null)
      .map((c) => ({
        label: `${m.name} · ${c.variant}`,
        metric: m.name,
        variant: c.variant,
        role: m.role,
        direction: m.direction,
        range: [c.relative.ciLower! * 100, c.relative.ciUpper! * 100] as [number, number],
        effect: c.relative.effect! * 100,
        verdict: verdictOf(c, m.direction),
        pValue: c.pValueAdjusted ?? c.pValue,
      })),
  );
}

/**
 * Relative lift of every variant on every metric with its interval, against the zero line. A bar that
 * does not cross zero is significant: green when it moves the metric the good way, red the bad way.
 */
export function ForestPlot({ results }: { results: AbResults }) {
  const rows = forestRows(results);
  if (!rows.length) return <p className="muted small">No intervals yet: every variant needs units with data.</p>;
  const extent = Math.max(1, ...rows.flatMap((r) => [Math.abs(r.range[0]), Math.abs(r.range[1])]).filter(Number.isFinite));
  const { bound, ticks } = symmetricTicks(extent * 1.08);
  const height = 60 + rows.length * 44;
  const level = confidenceLevel(results.alpha);
  return (
    <figure className={styles.chartFigure} data-testid="forest-plot">
      <div className={styles.chartToolbar}>
        <figcaption className="small muted">
          Relative lift against the control with its {results.method === 'bayesian' ? 'credible' : level} interval. An interval that does not touch the zero line is significant.
        </figcaption>
        <div className={styles.legend}>
          <span>
            <span className={styles.swatch} style={{ background: VERDICT_COLORS.better }} />
            significantly better
          </span>
          <span>
            <span className={styles.swatch} style={{ background: VERDICT_COLORS.worse }} />
            significantly worse
          </span>
          <span>
            <span className={styles.swatch} style={{ background: VERDICT_COLORS.inconclusive }} />
            not conclusive
          </span>
        </div>
      </div>
      <div style={{ width: '100%', height }} role="img" aria-label={`Forest plot of ${rows.length} lifts; the variant tables list the same numbers.`}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart layout="vertical" data={rows} margin={{ top: 22, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke="#e3e6eb" />
            <XAxis type="number" domain={[-bound, bound]} ticks={ticks} tickFormatter={(v: number) => `${v > 0 ? '+' : ''}${Math.round(v * 10) / 10}%`} tick={{ fontSize: 12, fill: '#6b7385' }} />
            <YAxis type="category" dataKey="label" width={180} tick={{ fontSize: 12, fill: '#4a5263' }} />
            <ReferenceLine x={0} stroke="#1a1f2b" strokeWidth={1.5} label={{ value: 'no change', position: 'top', fontSize: 11, fill: '#6b7385' }} />
            <Tooltip cursor={{ fill: 'rgba(47, 91, 234, 0.05)' }} content={(props) => <ForestTooltip {...(props as TooltipContentProps<number, string>)} level={level} />} />
            <Bar dataKey="range" isAnimationActive={false} shape={IntervalShape} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/** The interval as a line with caps and the estimate as a dot, drawn inside the range bar's box. */
function IntervalShape(props: unknown) {
  const { x, y, width, height, payload } = props as { x: number; y: number; width: number; height: number; payload: Row };
  if (!payload || !Number.isFinite(x) || !Number.isFinite(width)) return <g />;
  const left = Math.min(x, x + width);
  const w = Math.abs(width);
  const cy = y + height / 2;
  const [lo, hi] = payload.range;
  const at = hi === lo ? left + w / 2 : left + ((payload.effect - lo) / (hi - lo)) * w;
  const color = VERDICT_COLORS[payload.verdict];
  const strong = payload.verdict !== 'inconclusive';
  return (
    <g>
      <line x1={left} x2={left + w} y1={cy} y2={cy} stroke={color} strokeWidth={strong ? 4 : 3} strokeLinecap="round" opacity={0.85} />
      <line x1={left} x2={left} y1={cy - 7} y2={cy + 7} stroke={color} strokeWidth={2} />
      <line x1={left + w} x2={left + w} y1={cy - 7} y2={cy + 7} stroke={color} strokeWidth={2} />
      <circle cx={at} cy={cy} r={strong ? 6.5 : 5.5} fill={strong ? color : '#fff'} stroke={color} strokeWidth={2} />
    </g>
  );
}

function ForestTooltip({ active, payload, level }: TooltipContentProps<number, string> & { level: string }) {
  const row = payload?.[0]?.payload as Row | undefined;
  if (!active || !row) return null;
  return (
    <div className={styles.chartTooltip}>
      <div className="strong">
        {row.variant} on <span className="mono">{row.metric}</span> ({row.role})
      </div>
      <div>
        Lift <span className="mono strong">{formatLift(row.effect / 100)}</span>, {level} interval {formatLift(row.range[0] / 100)} to {formatLift(row.range[1] / 100)}
      </div>
      <div className="muted">
        {row.direction === 'increase' ? '↑ higher is better' : '↓ lower is better'} · p {formatP(row.pValue)}
      </div>
      <div style={{ color: VERDICT_COLORS[row.verdict] }}>{row.verdict === 'inconclusive' ? 'Not conclusive: the interval crosses zero' : `Significantly ${row.verdict}`}</div>
    </div>
  );
}

/** Round, symmetric ticks around zero covering ±`extent` percent: ±10, ±20 … or ±25, ±50 … */
export function symmetricTicks(extent: number): { bound: number; ticks: number[] } {
  const raw = Math.max(extent, 0.5) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const count = Math.ceil(Math.max(extent, 0.5) / step);
  const ticks = Array.from({ length: 2 * count + 1 }, (_, i) => Number(((i - count) * step).toPrecision(6)));
  return { bound: count * step, ticks };
}

'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import styles from './training.module.css';
import type { MetricPoint } from './types';

const COLORS = ['#2f5bea', '#d9822b', '#1a9e6f', '#b5479b'];

interface ChartSpec {
  title: string;
  /** stage/metric pairs drawn as lines. */
  series: { stage: string; name: string; label: string }[];
}

const CHARTS: ChartSpec[] = [
  { title: 'Loss', series: [{ stage: 'sft', name: 'loss', label: 'SFT loss' }, { stage: 'sft', name: 'eval_loss', label: 'SFT eval loss' }, { stage: 'reward_model', name: 'loss', label: 'Reward-model loss' }] },
  { title: 'Reward', series: [{ stage: 'ppo', name: 'reward', label: 'PPO reward' }, { stage: 'reward_model', name: 'rewards/margins', label: 'RM margin' }] },
  { title: 'KL divergence', series: [{ stage: 'ppo', name: 'kl', label: 'KL to SFT policy' }] },
];

/** Live loss / reward / KL charts over training steps, from the trainer metric events. */
export function MetricCharts({ points }: { points: readonly MetricPoint[] }) {
  return (
    <div className={styles.charts}>
      {CHARTS.map((chart) => {
        // Latest attempt per stage only: a retried stage restarts its curve.
        const latestAttempt = new Map<string, number>();
        for (const p of points) latestAttempt.set(p.stage, Math.max(latestAttempt.get(p.stage) ?? 0, p.attempt));
        const byStep = new Map<number, Record<string, number>>();
        let count = 0;
        for (const p of points) {
          const s = chart.series.find((x) => x.stage === p.stage && x.name === p.name);
          if (!s || p.attempt !== latestAttempt.get(p.stage)) continue;
          const row = byStep.get(p.step) ?? { step: p.step };
          row[s.label] = p.value;
          byStep.set(p.step, row);
          count++;
        }
        const data = [...byStep.values()].sort((a, b) => a.step - b.step);
        const present = chart.series.filter((s) => data.some((d) => s.label in d));
        return (
          <figure key={chart.title} style={{ margin: 0 }} data-testid={`chart-${chart.title.toLowerCase().replace(/\s+/g, '-')}`} data-points={count}>
            <figcaption className="strong small">{chart.title}</figcaption>
            {present.length === 0 ? (
              <p className="muted small">No points yet.</p>
            ) : (
              <div className={styles.chart} role="img" aria-label={`${chart.title} over training steps: ${present.map((s) => s.label).join(', ')}`}>
                <ResponsiveContainer width="100%" height="100%">
                  <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
                    <CartesianGrid strokeDasharray="3 3" stroke="#e3e6eb" />
                    <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 11 }} />
                    <YAxis tick={{ fontSize: 11 }} width={52} domain={['auto', 'auto']} />
                    <Tooltip />
                    <Legend wrapperStyle={{ fontSize: 12 }} />
                    {present.map((s, i) => (
                      <Line key={s.label} type="monotone" dataKey={s.label} stroke={COLORS[i % COLORS.length]} dot={false} isAnimationActive={false} connectNulls />
                    ))}
                  </LineChart>
                </ResponsiveContainer>
              </div>
            )}
          </figure>
        );
      })}
    </div>
  );
}

'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import styles from './deployments.module.css';
import type { HealthPoint } from './types';

const time = (at: string | Date) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function Chart({ title, data, lines, unit }: { title: string; data: object[]; lines: Array<{ key: string; name: string; color: string }>; unit?: string }) {
  return (
    <figure className="stack" style={{ margin: 0 }} aria-label={title}>
      <figcaption className="small strong">{title}</figcaption>
      <div className={styles.chart} role="img" aria-label={`${title} over the last minutes`}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e3e6eb" />
            <XAxis dataKey="t" tick={{ fontSize: 11, fill: '#6b7385' }} minTickGap={40} />
            <YAxis tick={{ fontSize: 11, fill: '#6b7385' }} width={48} unit={unit} allowDecimals />
            <Tooltip />
            {lines.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
            {lines.map((l) => (
              <Line key={l.key} type="monotone" dataKey={l.key} name={l.name} stroke={l.color} dot={false} isAnimationActive={false} connectNulls />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/** Ready replicas, p50/p95 latency, error rate and tokens/s over the health checks kept. */
export function HealthCharts({ points }: { points: readonly HealthPoint[] }) {
  const data = points.map((p) => ({
    t: time(p.at),
    ready: p.readyReplicas,
    desired: p.desiredReplicas,
    p50: p.latencyP50Ms === null ? null : Math.round(p.latencyP50Ms),
    p95: p.latencyP95Ms === null ? null : Math.round(p.latencyP95Ms),
    errors: p.errorRate === null ? null : Math.round(p.errorRate * 1000) / 10,
    tokens: p.tokensPerSecond === null ? null : Math.round(p.tokensPerSecond * 10) / 10,
  }));
  return (
    <div className={styles.charts}>
      <Chart title="Ready replicas" data={data} lines={[{ key: 'ready', name: 'ready', color: '#1f9d55' }, { key: 'desired', name: 'desired', color: '#8391a7' }]} />
      <Chart title="Latency (ms)" data={data} lines={[{ key: 'p50', name: 'p50', color: '#2f5bea' }, { key: 'p95', name: 'p95', color: '#d97706' }]} unit=" ms" />
      <Chart title="Error rate (%)" data={data} lines={[{ key: 'errors', name: 'errors', color: '#dc2626' }]} unit="%" />
      <Chart title="Tokens per second" data={data} lines={[{ key: 'tokens', name: 'tokens/s', color: '#7c3aed' }]} />
    </div>
  );
}

'use client';

import Link from 'next/link';
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { versionHref } from '@/components/registry/types';
import { Badge, SemverBadge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { Metric } from '@/components/ui/metric';
import type { WinRateView } from '@/server/training/judge/win-rate-view';
import { PROMPT_CATEGORY_LABELS } from '@/server/training/prompts/builtin';

const WIN = '#1f7a4d';
const LOSE = '#b42318';
const categoryLabel = (c: string) => (PROMPT_CATEGORY_LABELS as Record<string, string>)[c] ?? c;
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

/**
 * The evaluate stage's judge win rate against the parent version (the family's latest, which this run's
 * version is bumped from): the rate with wins / ties / losses, the parent, and the rate per prompt category.
 * Fed from the pipeline status (tRPC `training.status` → `judgeWinRate`), which the page polls while the run is live.
 */
export function WinRatePanel({ data }: { data: WinRateView | null }) {
  return (
    <section aria-labelledby="win-rate-title" data-testid="win-rate" data-status={data?.status ?? 'none'} className="stack">
      <h3 id="win-rate-title" className="row gap-sm" style={{ margin: 0, fontSize: 15 }}>
        Win rate vs parent
        {data?.parentVersion && (
          <Link href={versionHref(data.family, data.parentVersion)} title="The parent version judged against" data-testid="win-rate-parent">
            <SemverBadge version={data.parentVersion} />
          </Link>
        )}
        {data?.judge && <Badge tone={data.judge.simulated ? 'warning' : 'info'} title={data.judge.label}>{data.judge.simulated ? 'simulated judge' : data.judge.model}</Badge>}
        {data?.simulatedResponses && <Badge tone="warning" title="The evaluate trainer wrote no eval_responses.jsonl: the simulated model server answered for both models">simulated responses</Badge>}
      </h3>
      <WinRateBody data={data} />
    </section>
  );
}

function WinRateBody({ data }: { data: WinRateView | null }) {
  if (!data) return <EmptyState compact title="Not judged yet" description="Once the evaluate stage has run, the judge compares this model with the family's latest version on the evaluation prompts." />;
  if (data.status === 'no_parent') return <EmptyState compact title="No parent version" description={data.reason ?? 'This is the first version of its family: there is nothing to compare against.'} />;
  if (data.status === 'failed') return <p className="text-danger" role="alert">{data.reason ?? 'The win rate could not be measured.'}</p>;
  if (data.status === 'pending') return <p className="small muted" role="status">Judging against {data.parentVersion} once the evaluate Job has answered the prompts…</p>;

  const categories = data.byCategory.map((c) => ({ ...c, label: categoryLabel(c.category), percent: c.winRate === null ? 0 : Math.round(c.winRate * 1000) / 10 }));
  return (
    <>
      <div className="metrics">
        <Metric label={`Win rate vs ${data.parentVersion}`}>
          <span className="mono strong" data-testid="win-rate-value">{pct(data.winRate)}</span>
        </Metric>
        <Metric label="Wins / ties / losses">
          <span className="mono" data-testid="win-rate-wtl">{data.wins} / {data.ties} / {data.losses}</span>
        </Metric>
        <Metric label="Failed judgements">
          <span className="mono">{data.failed}</span>
        </Metric>
        <Metric label="Requests (retries, cache hits)">
          <span className="mono">{data.usage.requests} ({data.usage.retries}, {data.usage.cacheHits})</span>
        </Metric>
        <Metric label="Estimated cost">
          <span className="mono">{data.judge?.simulated ? '$0 (simulated)' : data.estimatedCostUsd === null ? 'no price for this model' : `$${data.estimatedCostUsd.toFixed(4)}`}</span>
        </Metric>
      </div>
      <figure style={{ margin: 0 }}>
        <figcaption className="small muted">Win rate per prompt category (ties count half; 50 % = as good as the parent)</figcaption>
        <div style={{ width: '100%', height: Math.max(120, 28 * categories.length + 40) }} role="img" aria-label={`Win rate against ${data.parentVersion} per category: ${categories.map((c) => `${c.label} ${pct(c.winRate)} of ${c.n}`).join(', ')}`}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={categories} layout="vertical" margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke="#e3e6eb" />
              <XAxis type="number" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} unit=" %" tick={{ fontSize: 12 }} />
              <YAxis type="category" dataKey="label" width={96} tick={{ fontSize: 12 }} />
              <Tooltip formatter={(v, _n, item) => [`${v} % (${item.payload.wins} W / ${item.payload.ties} T / ${item.payload.losses} L)`, 'win rate']} />
              <ReferenceLine x={50} stroke="#6b7385" strokeDasharray="4 2" />
              <Bar dataKey="percent" radius={[0, 3, 3, 0]} isAnimationActive={false}>
                {categories.map((c) => (
                  <Cell key={c.category} fill={c.percent >= 50 ? WIN : LOSE} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      </figure>
    </>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTRPC } from '@/components/providers/trpc';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { DataTable, type Column } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingState } from '@/components/ui/skeleton';
import { PROMPT_CATEGORY_LABELS } from '@/server/training/prompts/builtin';
import type { JudgeResultsView } from '@/server/training/judge/results';
import styles from './judge-results.module.css';

const BAR = '#2f5bea';
const BAR_LOW = '#b42318';
const categoryLabel = (c: string) => (PROMPT_CATEGORY_LABELS as Record<string, string>)[c] ?? c;

/** The pipeline page's AI-feedback panel: judge, usage and cost, score histogram, mean per category, samples. */
export function JudgeResults({ pipelineId, refetchIntervalMs }: { pipelineId: string; refetchIntervalMs?: number }) {
  const trpc = useTRPC();
  // While the feedback stage runs (started, not finished) the panel follows it; otherwise as the page asks.
  const query = useQuery(
    trpc.training.judge.results.queryOptions(
      { pipelineId },
      { refetchInterval: (q) => (q.state.data?.run && !q.state.data.run.finishedAt ? 2000 : (refetchIntervalMs ?? false)) },
    ),
  );
  if (query.error) return <Card title="AI feedback"><ErrorState error={query.error} onRetry={() => void query.refetch()} compact /></Card>;
  if (!query.data) return <Card title="AI feedback"><LoadingState rows={3} /></Card>;
  return <JudgeResultsPanel data={query.data} />;
}

type Row = JudgeResultsView['rows'][number];

export function JudgeResultsPanel({ data }: { data: JudgeResultsView }) {
  const { run, summary } = data;
  const [category, setCategory] = useState<string>('all');
  if (!run && data.rows.length === 0) {
    return (
      <Card title="AI feedback">
        <EmptyState compact title="No judgements yet" description="The feedback stage has not run for this pipeline (RLAIF off, or an earlier stage is still running)." />
      </Card>
    );
  }
  const histogram = summary.histogram.map((count, i) => ({ score: String(i + 1), count }));
  const categories = summary.categories.map((c) => ({ ...c, label: categoryLabel(c.category) }));
  const rows = category === 'all' ? data.rows : data.rows.filter((r) => r.category === category);
  const columns: Column<Row>[] = [
    { key: 'category', header: 'Category', nowrap: true, cell: (r) => categoryLabel(r.category) },
    { key: 'prompt', header: 'Prompt', cell: (r) => <div className={styles.clip}>{r.prompt}</div> },
    { key: 'response', header: 'Response', cell: (r) => <div className={styles.clip}>{r.response}{r.otherResponse ? <div className="small muted">vs. {r.otherResponse}</div> : null}</div> },
    { key: 'score', header: 'Score', align: 'right', nowrap: true, cell: (r) => (r.status === 'failed' ? <Badge tone="danger">failed</Badge> : <span className="mono strong">{formatScore(r.score)}</span>) },
    { key: 'rationale', header: 'Rationale', cell: (r) => <div className={styles.clip}>{r.status === 'failed' ? <span className="text-danger">{r.error}</span> : r.rationale}{r.cached ? <span className="small muted"> (cached)</span> : null}</div> },
  ];

  return (
    <Card
      title="AI feedback"
      actions={run ? <Badge tone={run.simulated ? 'warning' : 'info'} title={run.judgeLabel}>{run.simulated ? 'simulated judge' : run.judgeModel}</Badge> : null}
    >
      <div className="stack">
        {run && (
          <dl className={styles.facts}>
            <div><dt>Mode</dt><dd>{run.mode}</dd></div>
            <div><dt>Mean score</dt><dd className="mono">{summary.meanScore ?? '—'}</dd></div>
            <div><dt>Judged / failed</dt><dd className="mono">{summary.judged} / {summary.failed}</dd></div>
            <div><dt>Requests (retries, cache hits)</dt><dd className="mono">{run.requests} ({run.retries}, {run.cacheHits})</dd></div>
            <div><dt>Tokens in / out</dt><dd className="mono">{run.promptTokens.toLocaleString()} / {run.completionTokens.toLocaleString()}</dd></div>
            <div><dt>Estimated cost</dt><dd className="mono">{run.simulated ? '$0 (simulated)' : run.estimatedCostUsd === null ? 'no price for this model' : `$${run.estimatedCostUsd.toFixed(4)}`}</dd></div>
          </dl>
        )}
        <div className={styles.charts}>
          <figure className={styles.chart}>
            <figcaption className="small muted">Score distribution (1–10)</figcaption>
            <div style={{ width: '100%', height: 200 }} role="img" aria-label={`Histogram of ${summary.judged} judge scores; mean ${summary.meanScore ?? 'n/a'}`}>
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={histogram} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e3e6eb" />
                  <XAxis dataKey="score" tick={{ fontSize: 12 }} />
                  <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
                  <Tooltip formatter={(v) => [v, 'samples']} labelFormatter={(l) => `score ${l}`} />
                  <Bar dataKey="count" fill={BAR} radius={[3, 3, 0, 0]} isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
          </figure>
          <figure className={styles.chart}>
            <figcaption className="small muted">Mean score per prompt category</figcaption>
            <div style={{ width: '100%', height: 200 }} role="img" aria-label={`Mean judge score per category: ${categories.map((c) => `${c.label} ${c.meanScore ?? 'n/a'}`).join(', ')}`}>
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={categories} layout="vertical" margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke="#e3e6eb" />
                  <XAxis type="number" domain={[0, 10]} tick={{ fontSize: 12 }} />
                  <YAxis type="category" dataKey="label" width={96} tick={{ fontSize: 12 }} />
                  <Tooltip formatter={(v) => [v, 'mean score']} />
                  <Bar dataKey="meanScore" fill={BAR} radius={[0, 3, 3, 0]} isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
          </figure>
        </div>
        <div className="row gap-sm">
          <label className="small muted" htmlFor="judge-category">Category</label>
          <select id="judge-category" className="select" value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="all">All ({data.rows.length})</option>
            {categories.map((c) => (
              <option key={c.category} value={c.category}>{c.label} ({c.count})</option>
            ))}
          </select>
          {summary.failed > 0 && <span className="small" style={{ color: BAR_LOW }}>{summary.failed} judgement{summary.failed > 1 ? 's' : ''} failed (malformed answers are not guessed)</span>}
        </div>
        <DataTable caption="Judged samples" columns={columns} rows={rows} rowKey={(r) => r.id} empty="No samples in this category" footer={data.truncated ? <div className="small muted">Showing the first {data.rows.length} samples.</div> : undefined} />
      </div>
    </Card>
  );
}

function formatScore(score: number | null): string {
  if (score === null) return '—';
  return Number.isInteger(score) ? String(score) : score.toFixed(1);
}

'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useCan } from '@/components/auth/use-can';
import { useTRPC } from '@/components/providers/trpc';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { StatusBadge } from '@/components/ui/status-badge';
import { RelativeTime } from '@/components/ui/time';
import { ProgressBar } from './progress-bar';
import styles from './training.module.css';
import { LiveIndicator } from './live-indicator';
import { pipelineHref, type PipelineSummary } from './types';
import { useLivePipelineList } from './use-live';

const FILTERS = [
  { value: undefined, label: 'All' },
  { value: 'running', label: 'Running' },
  { value: 'succeeded', label: 'Succeeded' },
  { value: 'failed', label: 'Failed' },
  { value: 'cancelled', label: 'Cancelled' },
] as const;
type Filter = (typeof FILTERS)[number]['value'];

/**
 * `/training`: pipelines newest first, filtered by status. A change of any pipeline's status or progress is
 * pushed (useLivePipelineList) and the list read again; it also re-reads every `fallbackPollMs` as a safety net.
 */
export function PipelineList({ fallbackPollMs }: { fallbackPollMs: number }) {
  const trpc = useTRPC();
  const canManage = useCan('training:manage');
  const [status, setStatus] = useState<Filter>(undefined);
  const [limit, setLimit] = useState(50);
  const liveState = useLivePipelineList();
  const list = useQuery(trpc.training.list.queryOptions({ status, limit }, { placeholderData: keepPreviousData, refetchInterval: fallbackPollMs > 0 ? fallbackPollMs : false }));

  const columns: Column<PipelineSummary>[] = [
    {
      key: 'name',
      header: 'Pipeline',
      cell: (p) => (
        <div className="cell-stack">
          <Link href={pipelineHref(p.id)} className="strong">
            {p.name}
          </Link>
          <span className="mono muted small">{p.id.slice(0, 8)}</span>
        </div>
      ),
    },
    { key: 'status', header: 'Status', nowrap: true, cell: (p) => <StatusBadge status={p.status} /> },
    { key: 'stage', header: 'Stage', nowrap: true, cell: (p) => (p.currentStage ? <span className="mono small">{p.currentStage}</span> : <span className="muted">—</span>) },
    { key: 'progress', header: 'Progress', cell: (p) => <ProgressBar value={p.progress} label={`Progress of ${p.name}`} /> },
    {
      key: 'kind',
      header: 'Run',
      nowrap: true,
      cell: (p) => (
        <div className="row gap-xs">
          <Badge>{p.baseModel}</Badge>
          {p.rlaif && <Badge tone={p.fallbackReason ? 'warning' : 'accent'} title={p.fallbackReason ?? undefined}>{p.fallbackReason ? 'RLAIF → SFT' : 'RLAIF'}</Badge>}
        </div>
      ),
    },
    {
      key: 'result',
      header: 'Version',
      nowrap: true,
      cell: (p) => (p.resultVersion ? <Link href={`/models/${p.family}/versions/${p.resultVersion}`} className="mono small">{`${p.family}@${p.resultVersion}`}</Link> : <span className="muted">—</span>),
    },
    { key: 'by', header: 'Started by', cell: (p) => <span className="small">{p.createdBy}</span> },
    { key: 'created', header: 'Created', nowrap: true, cell: (p) => <RelativeTime value={p.createdAt} /> },
  ];

  return (
    <>
      <PageHeader
        title="Training"
        description="QLoRA fine-tuning and RLAIF pipelines: each stage runs in a worker or as a GPU Job on the cluster, and a finished run registers a new model version."
        actions={
          canManage ? (
            <Link href="/training/new" className="btn btn-primary">
              New pipeline
            </Link>
          ) : undefined
        }
      />
      <Card
        title="Pipelines"
        flush
        actions={
          <div className="row gap-sm">
            <LiveIndicator state={liveState} fallbackPollMs={fallbackPollMs} />
            <div className={styles.filters} role="group" aria-label="Filter by status">
              {FILTERS.map((f) => (
                <button
                  key={f.label}
                  type="button"
                  className={`btn btn-sm ${status === f.value ? 'btn-primary' : 'btn-secondary'}`}
                  aria-pressed={status === f.value}
                  onClick={() => {
                    setStatus(f.value);
                    setLimit(50);
                  }}
                >
                  {f.label}
                </button>
              ))}
            </div>
          </div>
        }
        className={list.isPlaceholderData ? 'is-stale' : undefined}
      >
        <DataTable
          caption="Training pipelines"
          columns={columns}
          rows={list.data?.items}
          rowKey={(p) => p.id}
          isLoading={list.isPending}
          error={list.error}
          onRetry={() => void list.refetch()}
          empty={<EmptyState compact title={status ? `No ${status} pipelines` : 'No pipelines yet'} description="Start one with “New pipeline”." />}
          footer={
            list.data?.nextCursor ? (
              <button type="button" className="btn btn-sm btn-secondary" onClick={() => setLimit((l) => Math.min(100, l + 50))} disabled={limit >= 100}>
                {limit >= 100 ? 'Showing the newest 100; filter by status to narrow' : 'Show more'}
              </button>
            ) : null
          }
        />
      </Card>
    </>
  );
}

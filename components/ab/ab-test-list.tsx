'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useCan } from '@/components/auth/use-can';
import { useTRPC } from '@/components/providers/trpc';
import { Badge, SemverBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { RefreshControl } from '@/components/ui/refresh-control';
import { StatusBadge } from '@/components/ui/status-badge';
import { RelativeTime } from '@/components/ui/time';
import styles from './ab.module.css';
import { RecommendationBadge } from './recommendation-badge';
import { type AbTest, testHref } from './types';

const STATUSES = ['all', 'running', 'draft', 'stopped'] as const;
type StatusFilter = (typeof STATUSES)[number];

/** `/ab-tests`: every test with its state, variants, primary metric and the current recommendation. */
export function AbTestList() {
  const trpc = useTRPC();
  const canManage = useCan('abTests:manage');
  const [status, setStatus] = useState<StatusFilter>('all');
  const tests = useQuery(
    trpc.ab.list.queryOptions({ status: status === 'all' ? undefined : status, limit: 100 }, { placeholderData: keepPreviousData, refetchInterval: 15_000 }),
  );
  const models = useQuery(trpc.registry.listModels.queryOptions({ limit: 200 }, { staleTime: 60_000 }));
  const modelName = (id: string) => models.data?.items.find((m) => m.id === id);

  const columns: Column<AbTest>[] = [
    {
      key: 'name',
      header: 'Test',
      cell: (t) => (
        <div className="cell-stack">
          <Link href={testHref(t.id)} className="strong">
            {t.name}
          </Link>
          <span className="muted small">
            {t.method} · α {t.alpha} · by {t.createdBy}
          </span>
        </div>
      ),
    },
    { key: 'status', header: 'Status', nowrap: true, cell: (t) => <StatusBadge status={t.status} /> },
    {
      key: 'model',
      header: 'Model',
      nowrap: true,
      cell: (t) => {
        const m = modelName(t.modelId);
        return m ? (
          <Link href={`/models/${encodeURIComponent(m.slug)}`} className="mono small">
            {m.slug}
          </Link>
        ) : (
          <span className="mono muted small">{t.modelId.slice(0, 8)}</span>
        );
      },
    },
    {
      key: 'variants',
      header: 'Variants',
      nowrap: true,
      cell: (t) => (
        <div className="cell-stack">
          {t.variants.map((v) => (
            <span key={v.key} title={`${v.key}: ${v.version}, ${Math.round(v.weight * 100)}% of traffic${v.control ? ' (control)' : ''}`} className={styles.variantLine}>
              <Badge tone={v.control ? 'neutral' : 'info'}>{v.key}</Badge>
              <SemverBadge version={v.version} />
              <span className="small muted">{Math.round(v.weight * 1000) / 10}%</span>
            </span>
          ))}
        </div>
      ),
    },
    {
      key: 'primary',
      header: 'Primary metric',
      cell: (t) =>
        t.metrics
          .filter((m) => m.role === 'primary')
          .map((m) => (
            <div key={m.name} className="mono small">
              {m.name} {m.direction === 'increase' ? '↑' : '↓'}
            </div>
          )),
    },
    { key: 'recommendation', header: 'Recommendation', cell: (t) => (t.status === 'draft' ? <span className="muted small">not started</span> : <RecommendationBadge testId={t.id} decision={t.decision} />) },
    {
      key: 'when',
      header: 'Started / stopped',
      nowrap: true,
      cell: (t) => (
        <div className="cell-stack small">
          <span>{t.startedAt ? <RelativeTime value={t.startedAt} /> : <span className="muted">—</span>}</span>
          <span className="muted">{t.stoppedAt ? <>stopped <RelativeTime value={t.stoppedAt} /></> : t.startedAt ? 'running' : ''}</span>
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="A/B tests"
        description="Model versions tested against each other on real traffic. Open a test for its recommendation in plain words."
        actions={
          <>
            <RefreshControl query={tests} />
            {canManage && (
              <Link href="/ab-tests/new" className="btn btn-primary">
                New A/B test
              </Link>
            )}
          </>
        }
      />
      <Card
        title={tests.data ? `${tests.data.total} test${tests.data.total === 1 ? '' : 's'}` : 'Tests'}
        actions={
          <div className="row gap-xs" role="radiogroup" aria-label="Filter by status">
            {STATUSES.map((s) => (
              <button key={s} type="button" role="radio" aria-checked={status === s} className={`btn btn-sm ${status === s ? 'btn-primary' : 'btn-ghost'}`} onClick={() => setStatus(s)}>
                {s === 'all' ? 'All' : s[0].toUpperCase() + s.slice(1)}
              </button>
            ))}
          </div>
        }
        flush
        className={tests.isPlaceholderData ? 'is-stale' : undefined}
      >
        <DataTable
          caption="A/B tests"
          columns={columns}
          rows={tests.data?.items}
          rowKey={(t) => t.id}
          isLoading={tests.isPending}
          error={tests.error}
          onRetry={() => void tests.refetch()}
          empty={
            <EmptyState
              compact
              title={status === 'all' ? 'No A/B tests yet' : `No ${status} tests`}
              description="An A/B test splits traffic between versions of one model and tells you which one to ship."
              action={
                canManage && status === 'all' ? (
                  <Link href="/ab-tests/new" className="btn btn-primary btn-sm">
                    Create the first test
                  </Link>
                ) : undefined
              }
            />
          }
        />
      </Card>
    </>
  );
}

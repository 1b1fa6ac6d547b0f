'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useCan } from '@/components/auth/use-can';
import { useTRPC } from '@/components/providers/trpc';
import { Badge, SemverBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { RelativeTime } from '@/components/ui/time';
import { CreateModelForm } from './create-model-form';
import styles from './registry.module.css';
import { type ModelSummary, modelHref, versionHref } from './types';
import { useDebouncedValue } from './use-debounced-value';

const PAGE_SIZE = 50;

/** `/models`: every model family with its aliases, searchable; "New model" for roles that may write. */
export function ModelList() {
  const trpc = useTRPC();
  const canWrite = useCan('registry:write');
  const [creating, setCreating] = useState(false);
  const [search, setSearch] = useState('');
  const [limit, setLimit] = useState(PAGE_SIZE);
  const q = useDebouncedValue(search.trim(), 300);

  const models = useQuery(trpc.registry.listModels.queryOptions({ q: q || undefined, limit }, { placeholderData: keepPreviousData }));
  const rows = models.data?.items;
  const total = models.data?.total ?? 0;

  const columns: Column<ModelSummary>[] = [
    {
      key: 'name',
      header: 'Model',
      cell: (m) => (
        <div className="cell-stack">
          <Link href={modelHref(m.slug)} className="strong">
            {m.displayName}
          </Link>
          <span className="mono muted small">{m.slug}</span>
        </div>
      ),
    },
    { key: 'base', header: 'Base model', cell: (m) => <span className="mono small">{m.baseModel}</span> },
    { key: 'spec', header: 'Specialization', cell: (m) => <Badge>{m.specialization}</Badge> },
    {
      key: 'latest',
      header: 'Latest',
      nowrap: true,
      cell: (m) => (m.latestVersion ? <VersionLink slug={m.slug} version={m.latestVersion} /> : <span className="muted">—</span>),
    },
    {
      key: 'production',
      header: 'Production',
      nowrap: true,
      cell: (m) => (m.production ? <AliasCell slug={m.slug} version={m.production} stage="production" /> : <span className="muted">—</span>),
    },
    {
      key: 'staging',
      header: 'Staging',
      nowrap: true,
      cell: (m) => (m.staging ? <AliasCell slug={m.slug} version={m.staging} stage="staging" /> : <span className="muted">—</span>),
    },
    { key: 'count', header: 'Versions', align: 'right', cell: (m) => m.versionCount },
    { key: 'updated', header: 'Updated', nowrap: true, cell: (m) => <RelativeTime value={m.updatedAt} /> },
  ];

  return (
    <>
      <PageHeader
        title="Models"
        description="Model families in the registry: their versions, and which one serves production and staging."
        actions={
          canWrite && !creating ? (
            <Button variant="primary" onClick={() => setCreating(true)}>
              New model
            </Button>
          ) : undefined
        }
      />
      <div className="stack">
        {canWrite && creating && <CreateModelForm onCancel={() => setCreating(false)} />}
        <Card
          title={models.data ? `${total} model${total === 1 ? '' : 's'}${q ? ` matching “${q}”` : ''}` : 'Models'}
          actions={
            <div role="search" className={styles.search}>
              <label className="sr-only" htmlFor="model-search">
                Search models
              </label>
              <input
                id="model-search"
                className="input input-sm"
                type="search"
                placeholder="Search slug, name, base model…"
                value={search}
                onChange={(e) => {
                  setSearch(e.target.value);
                  setLimit(PAGE_SIZE);
                }}
              />
            </div>
          }
          flush
          className={models.isPlaceholderData ? 'is-stale' : undefined}
        >
          <DataTable
            caption="Models"
            columns={columns}
            rows={rows}
            rowKey={(m) => m.id}
            isLoading={models.isPending}
            error={models.error}
            onRetry={() => void models.refetch()}
            empty={
              q ? (
                <EmptyState compact title={`No models match “${q}”`} action={<Button size="sm" onClick={() => setSearch('')}>Clear search</Button>} />
              ) : (
                <EmptyState
                  compact
                  title="No models yet"
                  description="A model family groups the versions of one fine-tuned model."
                  action={
                    canWrite && !creating ? (
                      <Button size="sm" variant="primary" onClick={() => setCreating(true)}>
                        Create the first model
                      </Button>
                    ) : undefined
                  }
                />
              )
            }
            footer={
              rows && rows.length < total ? (
                <Button size="sm" pending={models.isFetching} onClick={() => setLimit((l) => Math.min(l + PAGE_SIZE, 200))} disabled={limit >= 200}>
                  {limit >= 200 ? `Showing the first 200 of ${total}; narrow the search` : `Show more (${rows.length} of ${total})`}
                </Button>
              ) : null
            }
          />
        </Card>
      </div>
    </>
  );
}

function VersionLink({ slug, version }: { slug: string; version: string }) {
  return (
    <Link href={versionHref(slug, version)} className={styles.plainLink}>
      <SemverBadge version={version} />
    </Link>
  );
}

function AliasCell({ slug, version, stage }: { slug: string; version: string; stage: 'production' | 'staging' }) {
  return (
    <Link href={versionHref(slug, version)} className={styles.plainLink} title={`${stage}: ${version}`}>
      <Badge tone={stage === 'production' ? 'success' : 'warning'} mono dot={stage === 'production'}>
        {version}
      </Badge>
    </Link>
  );
}

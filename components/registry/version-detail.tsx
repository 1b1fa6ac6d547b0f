'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { Badge, SemverBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { type Column, DataTable } from '@/components/ui/data-table';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { LoadingState } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { formatDateTime, RelativeTime } from '@/components/ui/time';
import { formatMetric } from './parse';
import styles from './registry.module.css';
import { compareHref, modelHref, type VersionDetail as Detail, versionHref } from './types';

interface MetricRow {
  name: string;
  value: number;
  direction: 'higher' | 'lower';
}

const dash = <span className="muted">—</span>;

/** `/models/[slug]/versions/[version]`: everything the registry knows about one version. */
export function VersionDetail({ slug, version }: { slug: string; version: string }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.registry.getVersion.queryOptions({ model: slug, version }));
  const eyebrow = (
    <>
      <Link href="/models">Models</Link> / <Link href={modelHref(slug)}>{query.data?.family.displayName ?? slug}</Link>
    </>
  );

  if (query.isPending) {
    return (
      <>
        <PageHeader eyebrow={eyebrow} title={<span className="mono">{version}</span>} />
        <Card>
          <LoadingState rows={8} label="Loading version…" />
        </Card>
      </>
    );
  }
  if (query.isError) {
    return (
      <>
        <PageHeader eyebrow={eyebrow} title={<span className="mono">{version}</span>} />
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }
  return <VersionBody v={query.data} eyebrow={eyebrow} />;
}

function VersionBody({ v, eyebrow }: { v: Detail; eyebrow: ReactNode }) {
  const slug = v.family.slug;
  const trpc = useTRPC();
  // The parent chain, walked through the family's versions (parents always belong to the same family).
  const family = useQuery(trpc.registry.listVersions.queryOptions({ model: slug, limit: 200 }, { enabled: !!v.parentVersion }));
  const chain = parentChain(v.parentVersion, family.data?.items ?? []);
  const metrics: MetricRow[] = Object.entries(v.metrics)
    .map(([name, value]) => ({ name, value, direction: v.metricDirections[name] ?? 'higher' }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const columns: Column<MetricRow>[] = [
    { key: 'name', header: 'Metric', cell: (m) => <span className="mono">{m.name}</span> },
    { key: 'value', header: 'Value', align: 'right', mono: true, cell: (m) => <span title={String(m.value)}>{formatMetric(m.value)}</span> },
    {
      key: 'dir',
      header: 'Better',
      nowrap: true,
      cell: (m) => (
        <span className={styles.direction} title={m.direction === 'higher' ? 'Higher is better' : 'Lower is better'}>
          <span aria-hidden="true">{m.direction === 'higher' ? '↑' : '↓'}</span> {m.direction}
        </span>
      ),
    },
  ];
  const configJson = JSON.stringify(v.config, null, 2);
  const hasConfig = Object.keys(v.config).length > 0;

  return (
    <>
      <PageHeader
        eyebrow={eyebrow}
        title={
          <span className="row gap-sm">
            <SemverBadge version={v.version} />
            <span>{v.family.displayName}</span>
          </span>
        }
        description={<StatusBadge status={v.status} />}
        actions={
          <Link className="btn btn-secondary" href={compareHref({ model: slug, a: v.parentVersion ?? undefined, b: v.version })}>
            Compare
          </Link>
        }
      />
      <div className="split">
        <div className="stack">
          <Card title="Version">
            <dl className={styles.defList}>
              <Def label="Status">
                <StatusBadge status={v.status} />
              </Def>
              <Def label="Parent">
                {v.parentVersion ? (
                  <Link href={versionHref(slug, v.parentVersion)} className={styles.plainLink}>
                    <SemverBadge version={v.parentVersion} />
                  </Link>
                ) : (
                  dash
                )}
              </Def>
              <Def label="Base model">
                <span className="mono">{v.baseModel}</span>
              </Def>
              <Def label="Artifact URI">
                {v.artifactUri ? (
                  <span className="row gap-xs">
                    <span className={`mono ${styles.breakAll}`}>{v.artifactUri}</span>
                    <CopyButton text={v.artifactUri} />
                  </span>
                ) : (
                  dash
                )}
              </Def>
              <Def label="Artifact SHA-256">{v.artifactSha256 ? <span className={`mono small ${styles.breakAll}`}>{v.artifactSha256}</span> : dash}</Def>
              <Def label="Training job">{v.trainingJobId ? <span className="mono">{v.trainingJobId}</span> : dash}</Def>
              <Def label="Tags">
                {v.tags.length ? (
                  <span className="row gap-xs">
                    {v.tags.map((t) => (
                      <Badge key={t} tone="info">
                        {t}
                      </Badge>
                    ))}
                  </span>
                ) : (
                  dash
                )}
              </Def>
              <Def label="Created">
                {v.createdBy} · <RelativeTime value={v.createdAt} /> <span className="muted small">({formatDateTime(v.createdAt)})</span>
              </Def>
            </dl>
          </Card>

          <Card title="Metrics" flush>
            <DataTable caption="Metrics" columns={columns} rows={metrics} rowKey={(m) => m.name} empty="No metrics recorded" />
          </Card>

          <Card title="Config" actions={hasConfig ? <CopyButton text={configJson} label="Copy JSON" /> : undefined}>
            {hasConfig ? <pre className={styles.json}>{configJson}</pre> : <p className="muted">No config recorded.</p>}
          </Card>
        </div>

        <div className="stack">
          <Card title="Lineage">
            <dl className={styles.defList}>
              <Def label="Dataset">{v.lineage.datasetUri ? <span className={`mono small ${styles.breakAll}`}>{v.lineage.datasetUri}</span> : dash}</Def>
              <Def label="Dataset SHA-256">{v.lineage.datasetSha256 ? <span className={`mono small ${styles.breakAll}`}>{v.lineage.datasetSha256}</span> : dash}</Def>
              <Def label="Pipeline">{v.lineage.pipelineId ? <span className="mono">{v.lineage.pipelineId}</span> : dash}</Def>
            </dl>
            <div className={styles.chainBlock}>
              <div className="metric-label">Parent chain</div>
              {!v.parentVersion ? (
                <p className="small muted">A root version: derived from no other version.</p>
              ) : family.isPending ? (
                <LoadingState rows={2} label="Loading lineage…" />
              ) : (
                <ol className={styles.chain} aria-label="Parent chain, nearest first">
                  <li>
                    <SemverBadge version={v.version} /> <span className="small muted">this version</span>
                  </li>
                  {(chain.length ? chain : [{ version: v.parentVersion, status: 'registered' as const }]).map((p) => (
                    <li key={p.version}>
                      <Link href={versionHref(slug, p.version)} className={styles.plainLink}>
                        <SemverBadge version={p.version} />
                      </Link>{' '}
                      {p.status !== 'registered' && <StatusBadge status={p.status} />}
                    </li>
                  ))}
                </ol>
              )}
            </div>
          </Card>
          <Card title="Notes">{v.notes ? <p className={styles.notes}>{v.notes}</p> : <p className="muted">No notes.</p>}</Card>
        </div>
      </div>
    </>
  );
}

function parentChain(start: string | null, versions: readonly { version: string; parentVersion: string | null; status: Detail['status'] }[]) {
  const byVersion = new Map(versions.map((x) => [x.version, x]));
  const out: { version: string; status: Detail['status'] }[] = [];
  const seen = new Set<string>();
  for (let at = start; at && !seen.has(at) && out.length < 50; ) {
    seen.add(at);
    const row = byVersion.get(at);
    if (!row) {
      out.push({ version: at, status: 'registered' });
      break;
    }
    out.push({ version: row.version, status: row.status });
    at = row.parentVersion;
  }
  return out;
}

function Def({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

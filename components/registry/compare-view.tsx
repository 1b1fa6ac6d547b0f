'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { type ReactNode, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { Badge, type BadgeTone, SemverBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { cx } from '@/components/ui/cx';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { Field } from '@/components/ui/field';
import { PageHeader } from '@/components/ui/page-header';
import { LoadingState } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { RelativeTime } from '@/components/ui/time';
import { MetricsChart, SIDE_COLORS } from './metrics-chart';
import { formatMetric, formatPercent, formatSigned, formatValue } from './parse';
import styles from './registry.module.css';
import { type Comparison, compareHref, modelHref, type Version, versionHref } from './types';

export interface CompareSelection {
  model: string;
  a: string;
  b: string;
  /** Model of side B when it differs from side A's (cross-family comparison). */
  modelB: string;
}

type Side = Comparison['a'];
type Metric = Comparison['metrics'][number];

const verdictTone: Record<Comparison['compatibility']['verdict'], BadgeTone> = { compatible: 'success', breaking: 'warning', incompatible: 'danger' };

/** `/models/compare`: two versions side by side (metrics chart and table, config diff, lineage, compatibility). */
export function CompareView({ initial }: { initial: CompareSelection }) {
  const trpc = useTRPC();
  const [sel, setSel] = useState<CompareSelection>(initial);
  const modelA = sel.model;
  const modelB = sel.modelB || sel.model;

  const models = useQuery(trpc.registry.listModels.queryOptions({ limit: 200 }));
  const versionsA = useQuery(trpc.registry.listVersions.queryOptions({ model: modelA, limit: 200 }, { enabled: !!modelA }));
  const versionsB = useQuery(trpc.registry.listVersions.queryOptions({ model: modelB, limit: 200 }, { enabled: !!modelB }));

  // Missing versions default to: B = the newest, A = production (or the next newest).
  const itemsA = versionsA.data?.items ?? [];
  const itemsB = versionsB.data?.items ?? [];
  const b = sel.b || itemsB[0]?.version || '';
  const a = sel.a || (modelA === modelB ? (itemsA.find((v) => v.status === 'production' && v.version !== b) ?? itemsA.find((v) => v.version !== b))?.version : itemsA[0]?.version) || '';

  const ready = !!(modelA && modelB && a && b);
  const comparison = useQuery(
    trpc.registry.compare.queryOptions({ a: { model: modelA, version: a }, b: { model: modelB, version: b } }, { enabled: ready, placeholderData: keepPreviousData }),
  );

  function update(patch: Partial<CompareSelection>) {
    const next = { ...sel, a, b, ...patch };
    setSel(next);
    // Mirror into the address bar (shareable) without a server round trip.
    const href = next.model ? compareHref({ model: next.model, a: next.a, b: next.b, modelB: next.modelB }) : '/models/compare';
    window.history.replaceState(null, '', href);
  }

  const modelOptions = models.data?.items ?? [];
  const cross = modelA !== modelB;

  return (
    <>
      <PageHeader
        eyebrow={
          <>
            <Link href="/models">Models</Link>
            {modelA && (
              <>
                {' / '}
                <Link href={modelHref(modelA)}>{modelOptions.find((m) => m.slug === modelA)?.displayName ?? modelA}</Link>
              </>
            )}
          </>
        }
        title="Compare versions"
        description="Metrics, config and lineage of two versions, and whether B can replace A."
      />

      <div className="stack">
        <Card>
          <form className={styles.pickers} onSubmit={(e) => e.preventDefault()} aria-label="Versions to compare">
            <fieldset className={styles.pickerSide}>
              <legend className={styles.sideLegend}>
                <span className={styles.swatch} style={{ background: SIDE_COLORS.a }} aria-hidden="true" /> A (baseline)
              </legend>
              <Field label="Model A">
                <select className="select" value={modelA} onChange={(e) => update(cross ? { model: e.target.value, a: '', modelB: e.target.value === modelB ? '' : modelB } : { model: e.target.value, modelB: '', a: '', b: '' })} disabled={models.isPending}>
                  {!modelA && <option value="">Choose a model…</option>}
                  <ModelOptions models={modelOptions} current={modelA} />
                </select>
              </Field>
              <Field label="Version A" error={versionsA.isError ? 'Could not load versions' : null}>
                <select className="select" value={a} onChange={(e) => update({ a: e.target.value })} disabled={!itemsA.length}>
                  <VersionOptions versions={itemsA} current={a} pending={versionsA.isPending && !!modelA} />
                </select>
              </Field>
            </fieldset>
            <div className={styles.pickerSwap}>
              <Button size="sm" variant="ghost" title="Swap A and B" disabled={!ready} onClick={() => update({ model: modelB, modelB: modelA === modelB ? '' : modelA, a: b, b: a })}>
                ⇄ Swap
              </Button>
            </div>
            <fieldset className={styles.pickerSide}>
              <legend className={styles.sideLegend}>
                <span className={styles.swatch} style={{ background: SIDE_COLORS.b }} aria-hidden="true" /> B (candidate)
              </legend>
              <Field label="Model B" hint={cross ? 'Comparing across model families.' : undefined}>
                <select className="select" value={modelB} onChange={(e) => update({ modelB: e.target.value === modelA ? '' : e.target.value, b: '' })} disabled={models.isPending || !modelA}>
                  {!modelB && <option value="">Choose a model…</option>}
                  <ModelOptions models={modelOptions} current={modelB} />
                </select>
              </Field>
              <Field label="Version B" error={versionsB.isError ? 'Could not load versions' : null}>
                <select className="select" value={b} onChange={(e) => update({ b: e.target.value })} disabled={!itemsB.length}>
                  <VersionOptions versions={itemsB} current={b} pending={versionsB.isPending && !!modelB} />
                </select>
              </Field>
            </fieldset>
          </form>
        </Card>

        {!modelA ? (
          models.isError ? (
            <ErrorState error={models.error} onRetry={() => void models.refetch()} />
          ) : (
            <EmptyState title="Choose a model" description="Pick the model (and versions) to compare above." />
          )
        ) : versionsA.isError || versionsB.isError ? (
          <ErrorState error={versionsA.error ?? versionsB.error} onRetry={() => void (versionsA.isError ? versionsA.refetch() : versionsB.refetch())} />
        ) : versionsA.isPending || versionsB.isPending ? (
          <Card>
            <LoadingState rows={6} label="Loading versions…" />
          </Card>
        ) : !itemsA.length || !itemsB.length ? (
          <EmptyState title="Nothing to compare yet" description={`${!itemsA.length ? modelA : modelB} has no versions.`} />
        ) : a === b && !cross ? (
          <EmptyState title="Pick two different versions" description="A and B are the same version." />
        ) : comparison.isError ? (
          <ErrorState error={comparison.error} onRetry={() => void comparison.refetch()} />
        ) : comparison.isPending ? (
          <Card>
            <LoadingState rows={8} label="Comparing…" />
          </Card>
        ) : (
          <div className={cx('stack', comparison.isPlaceholderData && styles.stale)}>
            <ComparisonResult c={comparison.data} />
          </div>
        )}
      </div>
    </>
  );
}

function ModelOptions({ models, current }: { models: readonly { slug: string; displayName: string }[]; current: string }) {
  const known = models.some((m) => m.slug === current);
  return (
    <>
      {current && !known && <option value={current}>{current}</option>}
      {models.map((m) => (
        <option key={m.slug} value={m.slug}>
          {m.displayName} ({m.slug})
        </option>
      ))}
    </>
  );
}

function VersionOptions({ versions, current, pending }: { versions: readonly Version[]; current: string; pending: boolean }) {
  if (pending) return <option value={current}>{current || 'Loading…'}</option>;
  if (!versions.length) return <option value="">No versions</option>;
  const known = versions.some((v) => v.version === current);
  return (
    <>
      {current && !known && <option value={current}>{current} (not found)</option>}
      {versions.map((v) => (
        <option key={v.id} value={v.version}>
          {v.version}
          {v.status !== 'registered' ? ` (${v.status})` : ''}
        </option>
      ))}
    </>
  );
}

function sideLabel(s: Side, cross: boolean) {
  return cross ? `${s.model.slug} ${s.version}` : s.version;
}

function ComparisonResult({ c }: { c: Comparison }) {
  const cross = c.a.model.id !== c.b.model.id;
  const labelA = sideLabel(c.a, cross);
  const labelB = sideLabel(c.b, cross);
  const wins = { a: c.metrics.filter((m) => m.better === 'a').length, b: c.metrics.filter((m) => m.better === 'b').length };
  return (
    <>
      <div className={styles.sides}>
        <SideCard side={c.a} letter="A" />
        <Card title="Compatibility" className={styles.verdictCard}>
          <div className={styles.verdict}>
            <Badge tone={verdictTone[c.compatibility.verdict]} dot>
              {c.compatibility.verdict}
            </Badge>
            <ul className={styles.reasons}>
              {c.compatibility.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
            {c.metrics.length > 0 && (
              <p className="small muted">
                B is better on {wins.b} metric{wins.b === 1 ? '' : 's'}, worse on {wins.a}.
              </p>
            )}
          </div>
        </Card>
        <SideCard side={c.b} letter="B" />
      </div>

      <Card title="Metrics">
        {c.metrics.length ? <MetricsChart metrics={c.metrics} labelA={labelA} labelB={labelB} /> : <EmptyState compact title="Neither version records metrics" />}
      </Card>
      {c.metrics.length > 0 && (
        <Card title="Metric changes (B − A)" flush>
          <MetricsTable metrics={c.metrics} labelA={labelA} labelB={labelB} />
        </Card>
      )}

      <ConfigDiff diff={c.configDiff} />

      <Card title="Lineage">
        <div className={styles.lineageGrid}>
          <LineageColumn side={c.a} letter="A" other={c.b} />
          <LineageColumn side={c.b} letter="B" other={c.a} />
        </div>
      </Card>
    </>
  );
}

function SideCard({ side, letter }: { side: Side; letter: 'A' | 'B' }) {
  return (
    <Card
      title={
        <span className="row gap-xs">
          <span className={styles.swatch} style={{ background: letter === 'A' ? SIDE_COLORS.a : SIDE_COLORS.b }} aria-hidden="true" />
          {letter}
        </span>
      }
    >
      <div className="stack gap-sm">
        <div className="row gap-sm">
          <Link href={versionHref(side.model.slug, side.version)} className={styles.plainLink}>
            <SemverBadge version={side.version} />
          </Link>
          <StatusBadge status={side.status} />
        </div>
        <div className="small">
          <Link href={modelHref(side.model.slug)}>{side.model.displayName}</Link> <span className="mono muted">{side.model.slug}</span>
        </div>
        <div className="small mono muted">{side.baseModel}</div>
        <div className="small muted">
          {side.createdBy} · <RelativeTime value={side.createdAt} />
        </div>
      </div>
    </Card>
  );
}

function MetricsTable({ metrics, labelA, labelB }: { metrics: readonly Metric[]; labelA: string; labelB: string }) {
  const sideClass = (m: Metric, side: 'a' | 'b') => (m.better === side ? styles.better : m.better && m.better !== 'equal' ? styles.worse : undefined);
  const changeClass = (m: Metric) => (m.better === 'b' ? styles.changeGood : m.better === 'a' ? styles.changeBad : undefined);
  const columns: Column<Metric>[] = [
    {
      key: 'name',
      header: 'Metric',
      cell: (m) => (
        <span className="row gap-xs">
          <span className="mono">{m.name}</span>
          <span className={styles.direction} title={m.direction === 'higher' ? 'Higher is better' : 'Lower is better'}>
            <span aria-hidden="true">{m.direction === 'higher' ? '↑' : '↓'}</span>
            <span className="sr-only">{m.direction} is better</span>
          </span>
        </span>
      ),
    },
    { key: 'a', header: `A · ${labelA}`, align: 'right', mono: true, cell: (m) => <span className={sideClass(m, 'a')}>{formatMetric(m.a)}</span> },
    { key: 'b', header: `B · ${labelB}`, align: 'right', mono: true, cell: (m) => <span className={sideClass(m, 'b')}>{formatMetric(m.b)}</span> },
    { key: 'abs', header: 'Change', align: 'right', mono: true, cell: (m) => <span className={changeClass(m)}>{formatSigned(m.absoluteChange)}</span> },
    { key: 'rel', header: 'Change %', align: 'right', mono: true, cell: (m) => <span className={changeClass(m)}>{formatPercent(m.relativeChange)}</span> },
    {
      key: 'better',
      header: 'Better',
      nowrap: true,
      cell: (m) =>
        m.better === null ? (
          <span className="muted small">{m.a === null ? 'only in B' : 'only in A'}</span>
        ) : m.better === 'equal' ? (
          <Badge>equal</Badge>
        ) : (
          <Badge tone={m.better === 'b' ? 'success' : 'danger'}>{m.better === 'b' ? 'B' : 'A'}</Badge>
        ),
    },
  ];
  return <DataTable caption="Metric changes" columns={columns} rows={metrics} rowKey={(m) => m.name} />;
}

function ConfigDiff({ diff }: { diff: Comparison['configDiff'] }) {
  const total = diff.added.length + diff.removed.length + diff.changed.length;
  return (
    <Card title={`Config diff${total ? ` (${total})` : ''}`} flush={total > 0}>
      {total === 0 ? (
        <p className="muted">The configs are identical.</p>
      ) : (
        <div className={styles.diffGroups}>
          {diff.changed.length > 0 && (
            <DiffTable
              title={`Changed (${diff.changed.length})`}
              tone="changed"
              rows={diff.changed.map((d) => ({ path: d.path, cell: <FromTo from={d.from} to={d.to} /> }))}
              valueHeader="A → B"
            />
          )}
          {diff.added.length > 0 && (
            <DiffTable title={`Added in B (${diff.added.length})`} tone="added" rows={diff.added.map((d) => ({ path: d.path, cell: <code>{formatValue(d.value)}</code> }))} valueHeader="Value" />
          )}
          {diff.removed.length > 0 && (
            <DiffTable title={`Removed in B (${diff.removed.length})`} tone="removed" rows={diff.removed.map((d) => ({ path: d.path, cell: <code>{formatValue(d.value)}</code> }))} valueHeader="Value in A" />
          )}
        </div>
      )}
    </Card>
  );
}

function FromTo({ from, to }: { from: unknown; to: unknown }) {
  return (
    <span className={styles.fromTo}>
      <code className={styles.diffFrom}>{formatValue(from)}</code> <span aria-label="changed to">→</span> <code className={styles.diffTo}>{formatValue(to)}</code>
    </span>
  );
}

function DiffTable({ title, tone, rows, valueHeader }: { title: string; tone: 'added' | 'removed' | 'changed'; rows: { path: string; cell: ReactNode }[]; valueHeader: string }) {
  return (
    <div className={cx(styles.diffGroup, styles[`diff_${tone}`])}>
      <h3 className={styles.diffTitle}>{title}</h3>
      <DataTable
        caption={title}
        columns={[
          { key: 'path', header: 'Path', width: '38%', cell: (r: { path: string }) => <span className="mono">{r.path}</span> },
          { key: 'value', header: valueHeader, cell: (r: { cell: ReactNode }) => r.cell },
        ]}
        rows={rows}
        rowKey={(r) => r.path}
      />
    </div>
  );
}

function LineageColumn({ side, letter, other }: { side: Side; letter: 'A' | 'B'; other: Side }) {
  const otherIds = new Set([other.id, ...other.lineage.parents.map((p) => p.id)]);
  const chain = [{ id: side.id, version: side.version, status: side.status as string }, ...side.lineage.parents];
  const l = side.lineage;
  return (
    <div>
      <div className="metric-label">
        {letter} · {side.model.displayName}
      </div>
      <ol className={styles.chain} aria-label={`Lineage of ${letter}, nearest first`}>
        {chain.map((p, i) => (
          <li key={p.id}>
            <Link href={versionHref(side.model.slug, p.version)} className={styles.plainLink}>
              <SemverBadge version={p.version} />
            </Link>{' '}
            {p.status !== 'registered' && <StatusBadge status={p.status} />}
            {i === 0 && <span className="small muted"> {letter}</span>}
            {i > 0 && otherIds.has(p.id) && <Badge tone="accent">shared with {letter === 'A' ? 'B' : 'A'}</Badge>}
          </li>
        ))}
      </ol>
      <dl className={cx(styles.defList, styles.defListCompact)}>
        <dt>Base model</dt>
        <dd className="mono">{l.baseModel}</dd>
        <dt>Dataset</dt>
        <dd className={cx('mono', styles.breakAll)}>{l.dataset ?? '—'}</dd>
        <dt>Training job</dt>
        <dd className="mono">{l.trainingJobId ?? '—'}</dd>
        <dt>Pipeline</dt>
        <dd className="mono">{l.pipelineId ?? '—'}</dd>
      </dl>
    </div>
  );
}

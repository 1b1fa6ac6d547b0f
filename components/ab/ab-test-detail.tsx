'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/components/providers/trpc';
import { Badge, SemverBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { cx } from '@/components/ui/cx';
import { ErrorState } from '@/components/ui/error-state';
import { errorMessage } from '@/components/ui/errors';
import { PageHeader } from '@/components/ui/page-header';
import { RefreshControl } from '@/components/ui/refresh-control';
import { LoadingState } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { RelativeTime } from '@/components/ui/time';
import styles from './ab.module.css';
import { headline } from './explain';
import { ForestPlot } from './forest-plot';
import { Guardrails, guardrailHarmed } from './guardrails';
import { LiftChart } from './lift-chart';
import { SampleSize } from './sample-size';
import { SrmBadge, SrmPanel } from './srm-badge';
import { DecisionNote, LifecycleActions, ShipAction } from './test-actions';
import type { AbResults, AbTest } from './types';
import { VariantTable } from './variant-table';

/** While a test runs its numbers move: refetch often enough to watch them, rarely enough to be cheap. */
const REFRESH_MS = 5_000;

const icons = { success: '✓', danger: '✕', warning: '!', info: '…' } as const;

/** `/ab-tests/[id]`: the recommendation first, then the evidence behind it. */
export function AbTestDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const test = useQuery(trpc.ab.get.queryOptions({ id }, { refetchInterval: (q) => (q.state.data?.status === 'running' ? REFRESH_MS : false) }));
  const running = test.data?.status === 'running';
  const started = !!test.data && test.data.status !== 'draft';
  const results = useQuery(trpc.ab.results.queryOptions({ id }, { enabled: started, refetchInterval: running ? REFRESH_MS : false }));
  const history = useQuery(trpc.ab.liftHistory.queryOptions({ id, limit: 2000 }, { enabled: started, refetchInterval: running ? 30_000 : false }));
  const models = useQuery(trpc.registry.listModels.queryOptions({ limit: 200 }, { staleTime: 60_000 }));

  if (test.isPending) return <LoadingState rows={6} label="Loading the test…" />;
  if (test.isError) return <ErrorState title="Could not load the A/B test" error={test.error} onRetry={() => void test.refetch()} />;
  const t = test.data;
  const model = models.data?.items.find((m) => m.id === t.modelId);
  const r = results.data;

  return (
    <>
      <PageHeader
        eyebrow={<Link href="/ab-tests">← A/B tests</Link>}
        title={
          <span className="row gap-sm">
            {t.name} <StatusBadge status={t.status} />
            {r && <SrmBadge srm={r.srm} />}
          </span>
        }
        description={
          <>
            {model ? (
              <Link href={`/models/${encodeURIComponent(model.slug)}`} className="mono">
                {model.slug}
              </Link>
            ) : null}{' '}
            · {t.variants.length} variants · {t.method} analysis · created by {t.createdBy} <RelativeTime value={t.createdAt} />
          </>
        }
        actions={
          <>
            {started && <RefreshControl query={results} />}
            <LifecycleActions test={t} />
          </>
        }
      />

      {results.isError && r && (
        <div className="notice notice-warning" role="status">
          Could not refresh the results: {errorMessage(results.error)}. Showing the last answer.
        </div>
      )}

      <div className="stack">
        {t.decision && <DecisionNote decision={t.decision} />}
        {!started ? (
          <DraftSummary test={t} />
        ) : !r ? (
          results.isError ? <ErrorState title="Could not compute the results" error={results.error} onRetry={() => void results.refetch()} /> : <LoadingState rows={5} label="Computing the results…" />
        ) : (
          <>
            <Recommendation test={t} results={r} />
            <SettingsSummary test={t} />
            {r.metrics
              .filter((m) => m.role === 'primary')
              .map((m) => (
                <Card key={m.name} title={<MetricTitle name={m.name} role="primary" direction={m.direction} kind={m.kind} />} flush>
                  <VariantTable metric={m} test={t} results={r} />
                </Card>
              ))}
            <Card title="Lift per variant and metric">
              <ForestPlot results={r} />
            </Card>
            <Card title="Lift over time">
              <LiftChart points={history.data ?? []} metrics={r.metrics.map((m) => m.name)} variants={t.variants.filter((v) => !v.control).map((v) => v.key)} />
            </Card>
            <div className={styles.twoCol}>
              <Card title="Sample size">
                <SampleSize results={r} variants={t.variants.map((v) => v.key)} mde={t.minimumDetectableEffect} method={t.method} />
              </Card>
              <Card title="Traffic split (sample ratio mismatch check)" tone={r.srm.ok ? 'default' : 'danger'}>
                <SrmPanel srm={r.srm} variants={t.variants.map((v) => v.key)} />
              </Card>
            </div>
            <Card title="Guardrails" tone={guardrailHarmed(r) ? 'danger' : 'default'}>
              <Guardrails results={r} />
            </Card>
            {r.metrics
              .filter((m) => m.role === 'guardrail')
              .map((m) => (
                <Card key={m.name} title={<MetricTitle name={m.name} role="guardrail" direction={m.direction} kind={m.kind} />} flush>
                  <VariantTable metric={m} test={t} results={r} />
                </Card>
              ))}
          </>
        )}
      </div>
    </>
  );
}

function Recommendation({ test, results }: { test: AbTest; results: AbResults }) {
  const h = headline(results.recommendation, { guardrailHarmed: guardrailHarmed(results), status: test.status });
  return (
    <section className={cx(styles.headline, styles[`headline-${h.tone}`])} aria-labelledby="recommendation-title" data-testid="recommendation">
      <div className={styles.headlineIcon} aria-hidden="true">
        {icons[h.tone]}
      </div>
      <div>
        <div className="small muted">Recommendation</div>
        <h2 className={styles.headlineTitle} id="recommendation-title">
          {h.title}
        </h2>
        <div className="strong">{h.next}</div>
        <p className={styles.headlineReason}>{results.recommendation.reason}</p>
      </div>
      <div className={styles.headlineActions}>
        <ShipAction test={test} results={results} />
      </div>
    </section>
  );
}

function MetricTitle({ name, role, direction, kind }: { name: string; role: 'primary' | 'guardrail'; direction: 'increase' | 'decrease'; kind: string }) {
  return (
    <span className="row gap-sm">
      <span className="mono">{name}</span>
      <Badge tone={role === 'primary' ? 'accent' : 'neutral'}>{role}</Badge>
      <span className="small muted">
        {kind} · {direction === 'increase' ? 'higher is better' : 'lower is better'}
      </span>
    </span>
  );
}

function SettingsSummary({ test: t }: { test: AbTest }) {
  const items: [string, React.ReactNode][] = [
    ['Method', t.method === 'sequential' ? 'sequential (safe to peek)' : t.method],
    ['Significance', `α = ${t.alpha} (${Math.round((1 - t.alpha) * 1000) / 10}% confidence)`],
    ['Power', `${Math.round(t.power * 100)}%`],
    ['Min. detectable effect', `${Math.round(t.minimumDetectableEffect * 1000) / 10}%`],
    ['Correction', t.correction === 'none' ? 'none' : t.correction === 'bh' ? 'Benjamini–Hochberg' : 'Holm–Bonferroni'],
    ['Started', t.startedAt ? <RelativeTime value={t.startedAt} /> : '—'],
    ['Stopped', t.stoppedAt ? <RelativeTime value={t.stoppedAt} /> : '—'],
  ];
  return (
    <Card title="Setup">
      <div className={styles.summary}>
        {t.variants.map((v) => (
          <div className={styles.summaryItem} key={v.key}>
            <span className="small muted">{v.control ? 'Control' : 'Variant'}</span>
            <span className="row gap-xs">
              <Badge tone={v.control ? 'neutral' : 'info'}>{v.key}</Badge>
              <SemverBadge version={v.version} />
              <span className="small muted">{Math.round(v.weight * 1000) / 10}%</span>
            </span>
          </div>
        ))}
        {items.map(([k, v]) => (
          <div className={styles.summaryItem} key={k}>
            <span className="small muted">{k}</span>
            <span>{v}</span>
          </div>
        ))}
      </div>
    </Card>
  );
}

function DraftSummary({ test }: { test: AbTest }) {
  return (
    <>
      <div className="notice" role="status">
        This test is a draft: nothing is assigned or counted yet. Start it to open assignment (<span className="mono">GET /api/v1/ab-tests/{test.id}/assign</span>) and
        events (<span className="mono">POST …/events</span>).
      </div>
      <SettingsSummary test={test} />
      <Card title="Metrics">
        <ul>
          {test.metrics.map((m) => (
            <li key={m.name}>
              <MetricTitle name={m.name} role={m.role} direction={m.direction} kind={m.kind} />
              {m.denominator && <span className="small muted"> (÷ {m.denominator})</span>}
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}

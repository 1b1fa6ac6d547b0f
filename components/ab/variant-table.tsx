import { Badge, SemverBadge } from '@/components/ui/badge';
import { type Column, DataTable } from '@/components/ui/data-table';
import { formatCount } from '@/components/ui/format';
import styles from './ab.module.css';
import { explainComparison, explainP, formatChance, formatLift, formatMean, formatP, verdictOf } from './explain';
import type { AbMetricResult, AbResults, AbTest } from './types';

interface Row {
  key: string;
  version: string;
  control: boolean;
  n: number;
  mean: number;
  comparison: AbMetricResult['comparisons'][number] | null;
}

/**
 * One metric: every variant's units and mean, and for each challenger the lift with its interval, the
 * p-value (raw and adjusted for multiple comparisons) or the chance to win, and the risk, each with a
 * sentence saying what it means.
 */
export function VariantTable({ metric, test, results }: { metric: AbMetricResult; test: AbTest; results: AbResults }) {
  const control = test.variants.find((v) => v.control)?.key ?? '';
  const bayesian = results.method === 'bayesian';
  const rows: Row[] = metric.variants.map((v) => {
    const meta = test.variants.find((x) => x.key === v.key);
    return { key: v.key, version: meta?.version ?? '', control: !!meta?.control, n: v.n, mean: v.mean, comparison: metric.comparisons.find((c) => c.variant === v.key) ?? null };
  });
  const adjusted = metric.role === 'primary' && test.correction !== 'none';

  const columns: Column<Row>[] = [
    {
      key: 'variant',
      header: 'Variant',
      nowrap: true,
      cell: (r) => (
        <div className="row gap-xs">
          <Badge tone={r.control ? 'neutral' : 'info'}>{r.key}</Badge>
          <SemverBadge version={r.version} />
          {r.control && <span className="muted small">control</span>}
        </div>
      ),
    },
    { key: 'units', header: 'Units', align: 'right', cell: (r) => formatCount(r.n) },
    { key: 'mean', header: metric.kind === 'binomial' ? 'Rate' : 'Mean', align: 'right', mono: true, cell: (r) => formatMean(r.mean, metric.kind) },
    {
      key: 'lift',
      header: 'Lift (interval)',
      cell: (r) => {
        const c = r.comparison;
        if (!c) return <span className="muted small">baseline</span>;
        const verdict = verdictOf(c, metric.direction);
        return (
          <div className="cell-stack">
            <span className={verdict === 'better' ? styles.better : verdict === 'worse' ? styles.worse : styles.flat}>
              <span className="mono">{formatLift(c.relative.effect)}</span>{' '}
              <span className="small mono">
                [{formatLift(c.relative.ciLower)}, {formatLift(c.relative.ciUpper)}]
              </span>
            </span>
            <span className={styles.explain}>{explainComparison(c, { alpha: results.alpha, method: results.method, direction: metric.direction, control })}</span>
          </div>
        );
      },
    },
    ...(bayesian
      ? []
      : [
          {
            key: 'p',
            header: adjusted ? `p-value (adjusted, ${test.correction === 'bh' ? 'BH' : 'Holm'})` : 'p-value',
            cell: (r: Row) =>
              r.comparison ? (
                <div className="cell-stack" title={explainP(r.comparison.pValueAdjusted ?? r.comparison.pValue, results.alpha)}>
                  <span className="mono">{formatP(r.comparison.pValue)}</span>
                  {adjusted && <span className="mono small muted">adj. {formatP(r.comparison.pValueAdjusted)}</span>}
                  {r.comparison.significant ? <Badge tone="accent">significant</Badge> : <span className="small muted">not significant</span>}
                </div>
              ) : null,
          } satisfies Column<Row>,
        ]),
    {
      key: 'chance',
      header: 'Chance to win',
      align: 'right',
      cell: (r) => (r.comparison ? <span className="mono" title="Posterior probability that this variant beats the control on this metric">{formatChance(r.comparison.chanceToWin)}</span> : null),
    },
    {
      key: 'risk',
      header: 'Risk',
      align: 'right',
      cell: (r) =>
        r.comparison?.risk ? (
          <span className="mono small" title="Expected loss (relative lift) if you choose wrongly: shipping this variant vs keeping the control">
            ship {formatRisk(r.comparison.risk.treatment)}
            <br />
            keep {formatRisk(r.comparison.risk.control)}
          </span>
        ) : null,
    },
  ];

  return <DataTable caption={`Variants on ${metric.name}`} columns={columns} rows={rows} rowKey={(r) => r.key} />;
}

/** Expected loss in lift units, e.g. 0.0012 → "0.12%". */
function formatRisk(x: number): string {
  return Number.isFinite(x) ? `${(Math.abs(x) * 100).toFixed(2)}%` : '—';
}

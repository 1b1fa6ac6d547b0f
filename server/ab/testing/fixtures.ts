import { sql } from 'drizzle-orm';
import { db } from '@/db/client';
import { flushExposures } from '../exposures';
import { createFamily } from '@/server/registry/families';
import { createVersion } from '@/server/registry/versions';
import { systemMeta, uniqueSlug } from '@/test/fixtures';

/** A model family with the given versions, made through the registry's own services. */
export async function familyWithVersions(versions: string[] = ['1.0.0', '1.1.0', '1.2.0']) {
  const family = await createFamily(systemMeta, { slug: uniqueSlug('ab'), displayName: 'A/B subject', baseModel: 'microsoft/DialoGPT-medium', specialization: 'sales_assistant' });
  for (const version of versions) await createVersion(systemMeta, family.slug, { version });
  return family;
}

/** A valid create body for `POST /ab-tests`; override any part. */
export function testBody(modelId: string, overrides: Record<string, unknown> = {}) {
  return {
    name: 'Tone v1.1 vs v1.0',
    modelId,
    variants: [
      { key: 'control', version: '1.0.0', weight: 0.5 },
      { key: 'treatment', version: '1.1.0', weight: 0.5, description: 'warmer tone' },
    ],
    metrics: [
      { name: 'converted', kind: 'binomial', role: 'primary', direction: 'increase' },
      { name: 'latency_ms', kind: 'mean', role: 'guardrail', direction: 'decrease' },
      { name: 'clicks', kind: 'ratio', role: 'guardrail', direction: 'increase', denominator: 'views' },
    ],
    method: 'frequentist',
    minimumDetectableEffect: 0.5,
    minSamplePerVariant: 500,
    ...overrides,
  };
}

/**
 * Rows in every A/B table plus the audit log: "nothing written" compares two of these. Exposures of earlier
 * assignments are written behind (../exposures.ts), so they are flushed first: otherwise one could land
 * between the two counts.
 */
export async function abRowCounts() {
  await flushExposures();
  const { rows } = await db.execute(sql`select
    (select count(*)::int from ab_tests) tests, (select count(*)::int from ab_variants) variants, (select count(*)::int from ab_metrics) metrics,
    (select count(*)::int from ab_exposures) exposures, (select coalesce(sum(n), 0)::int from ab_exposure_counts) exposure_counts,
    (select count(*)::int from ab_unit_metrics) unit_metrics, (select coalesce(sum(sum), 0)::float8 from ab_unit_metrics) unit_sum,
    (select count(*)::int from ab_aggregates) aggregates, (select count(*)::int from ab_ingest_keys) ingest_keys, (select count(*)::int from audit_events) audit`);
  return rows[0];
}

/**
 * The aggregates of a test recomputed from scratch over the per-unit rows and exposures, in the same
 * shape as ab_aggregates, for reconciliation: they must be equal to what ingestion maintained.
 */
export async function recomputedAggregates(testId: string) {
  const { rows } = await db.execute<{ variant: string; metric: string; sum: number; sum_squares: number; sum_y: number; sum_y_squares: number; sum_xy: number }>(sql`
    with units as (
      select e.unit, e.variant, m.name, m.kind, m.denominator,
        coalesce(x.sum, 0) as xs, coalesce(x.positive, false) as xp, coalesce(y.sum, 0) as ys
      from ab_exposures e
      join ab_metrics m on m.test_id = e.test_id
      left join ab_unit_metrics x on x.test_id = e.test_id and x.unit = e.unit and x.metric = m.name
      left join ab_unit_metrics y on y.test_id = e.test_id and y.unit = e.unit and y.metric = m.denominator
      where e.test_id = ${testId}
    ), vals as (
      select variant, name, case when kind = 'binomial' then (case when xp then 1 else 0 end)::float8 else xs end as x,
        case when kind = 'ratio' then ys else 0 end as y
      from units
    )
    select variant, name as metric, sum(x) sum, sum(x * x) sum_squares, sum(y) sum_y, sum(y * y) sum_y_squares, sum(x * y) sum_xy
    from vals group by variant, name having sum(x) <> 0 or sum(x * x) <> 0 or sum(y) <> 0 or sum(y * y) <> 0
    order by variant, name`);
  return rows.map((r) => ({ variant: r.variant, metric: r.metric, sum: Number(r.sum), sumSquares: Number(r.sum_squares), sumY: Number(r.sum_y), sumYSquares: Number(r.sum_y_squares), sumXy: Number(r.sum_xy) }));
}

export async function storedAggregates(testId: string) {
  const { rows } = await db.execute<{ variant: string; metric: string; sum: number; sum_squares: number; sum_y: number; sum_y_squares: number; sum_xy: number }>(sql`
    select variant, metric, sum, sum_squares, sum_y, sum_y_squares, sum_xy from ab_aggregates
    where test_id = ${testId} and (sum <> 0 or sum_squares <> 0 or sum_y <> 0 or sum_y_squares <> 0 or sum_xy <> 0)
    order by variant, metric`);
  return rows.map((r) => ({ variant: r.variant, metric: r.metric, sum: Number(r.sum), sumSquares: Number(r.sum_squares), sumY: Number(r.sum_y), sumYSquares: Number(r.sum_y_squares), sumXy: Number(r.sum_xy) }));
}

/** Exposure counters against the exposure rows, per variant. */
/** Exposure rows against counts per variant, after writing what this process's assignments buffered. */
export async function exposureReconciliation(testId: string) {
  await flushExposures();
  const { rows } = await db.execute<{ variant: string; counted: number; rows: number }>(sql`
    select v.key as variant,
      (select coalesce(sum(n), 0)::int from ab_exposure_counts c where c.test_id = v.test_id and c.variant = v.key) counted,
      (select count(*)::int from ab_exposures e where e.test_id = v.test_id and e.variant = v.key) rows
    from ab_variants v where v.test_id = ${testId} order by v.position`);
  return rows;
}

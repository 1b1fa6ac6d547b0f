import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';

/** Exposure counts are spread over this many rows per variant so concurrent writers rarely wait on one. */
export const EXPOSURE_SHARDS = 16;

const randomShard = () => Math.floor(Math.random() * EXPOSURE_SHARDS);

/**
 * Records a unit's first assignment: the exposure row and the variant's count in one statement, the
 * count only when the insert happened (ON CONFLICT DO NOTHING → no row → no increment). Nothing is
 * recorded unless the test is running.
 */
export async function recordExposure(tx: DbOrTx, testId: string, unit: string, variant: string): Promise<boolean> {
  const result = await tx.execute(sql`
    with inserted as (
      insert into ab_exposures (test_id, unit, variant)
      select ${testId}, ${unit}, ${variant}
      where exists (select 1 from ab_tests where id = ${testId} and status = 'running')
      on conflict do nothing
      returning variant
    )
    insert into ab_exposure_counts (test_id, variant, shard, n)
    select ${testId}, variant, ${randomShard()}, 1 from inserted
    on conflict (test_id, variant, shard) do update set n = ab_exposure_counts.n + 1`);
  return (result.rowCount ?? 0) > 0;
}

/**
 * Records many units' exposures (units first seen through an event); returns how many were new per
 * variant, already added to the counts. Units must be sorted, so concurrent batches lock in one order.
 */
export async function recordExposures(tx: DbOrTx, testId: string, units: string[], variants: string[]): Promise<Map<string, number>> {
  const inserted = await tx.execute<{ variant: string; n: number }>(sql`
    with inserted as (
      insert into ab_exposures (test_id, unit, variant)
      select ${testId}, u, v from unnest(${sql.param(units)}::text[], ${sql.param(variants)}::text[]) as x(u, v)
      on conflict do nothing
      returning variant
    )
    select variant, count(*)::int as n from inserted group by variant order by variant`);
  const counts = new Map(inserted.rows.map((r) => [r.variant, r.n]));
  if (counts.size) {
    const keys = [...counts.keys()];
    await tx.execute(sql`
      insert into ab_exposure_counts (test_id, variant, shard, n)
      select ${testId}, v, ${randomShard()}, n from unnest(${sql.param(keys)}::text[], ${sql.param(keys.map((k) => counts.get(k)!))}::int[]) as x(v, n)
      on conflict (test_id, variant, shard) do update set n = ab_exposure_counts.n + excluded.n`);
  }
  return counts;
}

import { sql } from 'drizzle-orm';
import { db, type DbOrTx } from '@/db/client';

/** Exposure counts are spread over this many rows per variant so concurrent writers rarely wait on one. */
export const EXPOSURE_SHARDS = 16;

const randomShard = () => Math.floor(Math.random() * EXPOSURE_SHARDS);

interface PendingExposure {
  unit: string;
  variant: string;
  done: { resolve: () => void; reject: (error: unknown) => void };
}

const pending = new Map<string, PendingExposure[]>();
const flushing = new Set<string>();

/**
 * Records a unit's first assignment, durably, before the caller answers. Concurrent assignments of one
 * test are group-committed: whatever arrives while a commit is in flight goes into the next one, as a
 * single statement, so the database sees one commit per batch instead of one per request. Nothing is
 * recorded unless the test is running; the count only grows for rows actually inserted.
 */
export function recordExposure(testId: string, unit: string, variant: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const queue = pending.get(testId) ?? [];
    queue.push({ unit, variant, done: { resolve, reject } });
    pending.set(testId, queue);
    if (!flushing.has(testId)) {
      flushing.add(testId);
      setImmediate(() => void flush(testId));
    }
  });
}

async function flush(testId: string) {
  const batch = pending.get(testId) ?? [];
  pending.delete(testId);
  const byUnit = new Map(batch.map((p) => [p.unit, p.variant]));
  const units = [...byUnit.keys()].sort();
  try {
    await db.transaction((tx) => recordExposures(tx, testId, units, units.map((u) => byUnit.get(u)!), { onlyWhileRunning: true }));
    for (const p of batch) p.done.resolve();
  } catch (error) {
    for (const p of batch) p.done.reject(error);
  }
  if (pending.has(testId)) setImmediate(() => void flush(testId));
  else flushing.delete(testId);
}

/**
 * Records many units' exposures (units first seen through an event); returns how many were new per
 * variant, already added to the counts. Units must be sorted, so concurrent batches lock in one order.
 */
export async function recordExposures(tx: DbOrTx, testId: string, units: string[], variants: string[], opts: { onlyWhileRunning?: boolean } = {}): Promise<Map<string, number>> {
  const running = opts.onlyWhileRunning ? sql`where exists (select 1 from ab_tests where id = ${testId} and status = 'running')` : sql``;
  const inserted = await tx.execute<{ variant: string; n: number }>(sql`
    with inserted as (
      insert into ab_exposures (test_id, unit, variant)
      select ${testId}, u, v from unnest(${sql.param(units)}::text[], ${sql.param(variants)}::text[]) as x(u, v)
      ${running}
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

import { desc, eq, sql } from 'drizzle-orm';
import { arrayColumns } from '@/db/array-columns';
import { db, type DbOrTx } from '@/db/client';
import { abLiftSnapshots } from '@/db/schema/ab';
import { loadTest } from './definition';
import type { AbTestResults } from './stats';

/** Class id of the advisory lock that keeps snapshot writers of one test from racing ("LS"). */
const SNAPSHOT_LOCK_CLASS = 0x4c53;
const lastWritten = new Map<string, number>();
/** The once-a-minute rule: a new point only when the test's latest one is at least this old. */
export const LIFT_SNAPSHOT_MIN_GAP_MS = 60_000;

export interface LiftSnapshotOptions {
  /** Least age of the test's latest point for a new one; LIFT_SNAPSHOT_MIN_GAP_MS unless given. */
  minGapMs?: number;
  /**
   * Write only while the test is running, checked under a share lock on its row: a stop in progress is
   * waited for (and then nothing is written), and a stop that comes later waits for this point, so the
   * final snapshot stays the last one. Used by the periodic round (lift-snapshot-round.ts).
   */
  whileRunning?: boolean;
}

/**
 * Appends the cumulative relative lift of every variant and metric, at most once a minute per test
 * (checked in this process first, then in SQL across processes), so the chart's table stays bounded:
 * about 1,440 points a day per variant and metric. Returns whether a point was written.
 */
export async function recordLiftSnapshot(testId: string, results: AbTestResults, opts: LiftSnapshotOptions = {}): Promise<boolean> {
  const gapMs = opts.minGapMs ?? LIFT_SNAPSHOT_MIN_GAP_MS;
  const now = Date.now();
  if (now - (lastWritten.get(testId) ?? 0) < gapMs) return false;
  lastWritten.set(testId, now);
  const rows = snapshotRows(results);
  if (!rows.length) return false;
  const col = arrayColumns(rows);
  return db.transaction(async (tx) => {
    const [lock] = (await tx.execute<{ ok: boolean }>(sql`select pg_try_advisory_xact_lock(${SNAPSHOT_LOCK_CLASS}, hashtext(${testId})) as ok`)).rows;
    if (!lock.ok) return false;
    if (opts.whileRunning) {
      const [test] = (await tx.execute<{ status: string }>(sql`select status from ab_tests where id = ${testId} for share`)).rows;
      if (test?.status !== 'running') return false;
    }
    const inserted = await tx.execute(sql`
      insert into ab_lift_snapshots (test_id, metric, variant, relative_effect, ci_lower, ci_upper, n)
      select ${testId}, m, v, e, lo, hi, n
      from unnest(${col('metric')}::text[], ${col('variant')}::text[], ${col('effect')}::float8[], ${col('lo')}::float8[], ${col('hi')}::float8[], ${col('n')}::int[]) as x(m, v, e, lo, hi, n)
      where not exists (select 1 from ab_lift_snapshots where test_id = ${testId} and at > now() - make_interval(secs => ${gapMs / 1000}::float8))`);
    return (inserted.rowCount ?? 0) > 0;
  });
}

/**
 * The last point of the series, written by stopping a test inside its transaction (after the row lock,
 * so no batch can still land): unconditional, whatever the once-a-minute throttle says, so the chart
 * ends on the numbers the decision was taken on.
 */
export async function recordFinalLiftSnapshot(tx: DbOrTx, testId: string, results: AbTestResults, at?: Date): Promise<void> {
  const rows = snapshotRows(results);
  if (!rows.length) return;
  const col = arrayColumns(rows);
  if (at) {
    // A point at a given time: demo data replaying a test's history (db/seed-ab.ts).
    await tx.execute(sql`
      insert into ab_lift_snapshots (test_id, metric, variant, at, relative_effect, ci_lower, ci_upper, n)
      select ${testId}, m, v, ${at.toISOString()}::timestamptz, e, lo, hi, n
      from unnest(${col('metric')}::text[], ${col('variant')}::text[], ${col('effect')}::float8[], ${col('lo')}::float8[], ${col('hi')}::float8[], ${col('n')}::int[]) as x(m, v, e, lo, hi, n)`);
    return;
  }
  // One clock_timestamp() for all rows (an InitPlan), not now(): the transaction may have begun before
  // the last periodic snapshot was committed, and the final point must come after it.
  await tx.execute(sql`
    insert into ab_lift_snapshots (test_id, metric, variant, at, relative_effect, ci_lower, ci_upper, n)
    select ${testId}, m, v, (select clock_timestamp()), e, lo, hi, n
    from unnest(${col('metric')}::text[], ${col('variant')}::text[], ${col('effect')}::float8[], ${col('lo')}::float8[], ${col('hi')}::float8[], ${col('n')}::int[]) as x(m, v, e, lo, hi, n)`);
}

type SnapshotRow = { metric: string; variant: string; effect: number | null; lo: number | null; hi: number | null; n: number };

function snapshotRows(results: AbTestResults): SnapshotRow[] {
  return results.metrics.flatMap((m) =>
    m.comparisons.map((c) => ({ metric: m.name, variant: c.variant, effect: c.relative.effect, lo: c.relative.ciLower, hi: c.relative.ciUpper, n: m.variants.find((v) => v.key === c.variant)?.n ?? 0 })),
  );
}

/** The latest `limit` points of a test's lift-over-time series, oldest first. */
export async function listLiftHistory(ref: string, limit: number) {
  const def = await loadTest(db, ref);
  const rows = await db
    .select({ at: abLiftSnapshots.at, metric: abLiftSnapshots.metric, variant: abLiftSnapshots.variant, relativeEffect: abLiftSnapshots.relativeEffect, ciLower: abLiftSnapshots.ciLower, ciUpper: abLiftSnapshots.ciUpper, n: abLiftSnapshots.n })
    .from(abLiftSnapshots)
    .where(eq(abLiftSnapshots.testId, def.test.id))
    .orderBy(desc(abLiftSnapshots.at), desc(abLiftSnapshots.metric), desc(abLiftSnapshots.variant))
    .limit(limit);
  return rows.reverse();
}

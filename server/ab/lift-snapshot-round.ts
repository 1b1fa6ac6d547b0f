import { sql } from 'drizzle-orm';
import { db } from '@/db/client';
import { logger } from '@/server/logger';
import { loadTest } from './definition';
import { analyzeDefinition } from './get-results';
import { LIFT_SNAPSHOT_MIN_GAP_MS, recordLiftSnapshot } from './lift-history';

/**
 * A round fires on a fixed period, so the age of the point the previous round wrote is one period give or
 * take scheduling jitter: without this slack a 60 s round would find a 59.9 s old point and skip, and the
 * chart would get a point every other round. A point a read wrote less than 57 s ago is still respected.
 */
const ROUND_SLACK_MS = 3_000;

export interface LiftSnapshotRound {
  /** Running tests whose latest point was old enough to be due. */
  due: number;
  written: number;
  failed: number;
}

/**
 * One round of the periodic lift snapshots (the `ab` queue's `lift-snapshot-round`, one schedule for every
 * running test), so a test nobody opens still gets its lift-over-time series. Idempotent: tests with a
 * point younger than the once-a-minute rule (from a read, or an earlier round) are left out by one
 * indexed query before any analysis; the rest cost one O(variants × metrics) analysis and one insert each,
 * under the same advisory lock and SQL check as the snapshot a read writes.
 */
export async function runLiftSnapshotRound(): Promise<LiftSnapshotRound> {
  const minGapMs = LIFT_SNAPSHOT_MIN_GAP_MS - ROUND_SLACK_MS;
  const { rows } = await db.execute<{ id: string }>(sql`
    select t.id from ab_tests t
    where t.status = 'running'
      and not exists (select 1 from ab_lift_snapshots s where s.test_id = t.id and s.at > now() - make_interval(secs => ${minGapMs / 1000}::float8))
    order by t.id`);
  const round: LiftSnapshotRound = { due: rows.length, written: 0, failed: 0 };
  for (const { id } of rows) {
    try {
      const def = await loadTest(db, id);
      if (def.test.status !== 'running') continue;
      if (await recordLiftSnapshot(id, await analyzeDefinition(db, def), { minGapMs, whileRunning: true })) round.written += 1;
    } catch (err) {
      // One test's failure does not hold up the others; the job fails at the end and its retry finds only what is still due.
      round.failed += 1;
      logger.error({ err, testId: id }, 'lift snapshot failed');
    }
  }
  if (round.failed) throw new Error(`Lift snapshots failed for ${round.failed} of ${round.due} running A/B tests`);
  return round;
}

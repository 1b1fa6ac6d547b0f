import { sql } from 'drizzle-orm';
import { db, type DbOrTx } from '@/db/client';
import { engineConfig, loadTest, type TestDefinition } from './definition';
import { recordLiftSnapshot } from './lift-history';
import { analyzeTest, type AbTestResults, type SufficientStats } from './stats';

type StatsRow = {
  kind: 'n' | 'a';
  variant: string;
  metric: string | null;
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
};

/**
 * Exposure counts and aggregates in ONE statement (one snapshot, so n and the sums always belong
 * together), then the pure statistics engine. O(variants × metrics) rows, whatever the number of events.
 * Takes the caller's transaction so stopping and shipping analyse exactly what they lock.
 */
export async function analyzeDefinition(tx: DbOrTx, def: TestDefinition): Promise<AbTestResults> {
  const testId = def.test.id;
  const { rows } = await tx.execute<StatsRow>(sql`
    select 'n' as kind, variant, null as metric, sum(n)::float8 as a, 0::float8 as b, 0::float8 as c, 0::float8 as d, 0::float8 as e
      from ab_exposure_counts where test_id = ${testId} group by variant
    union all
    select 'a', variant, metric, sum, sum_squares, sum_y, sum_y_squares, sum_xy
      from ab_aggregates where test_id = ${testId}`);
  const exposures: Record<string, number> = Object.fromEntries(def.variants.map((v) => [v.key, 0]));
  for (const r of rows) if (r.kind === 'n') exposures[r.variant] = Number(r.a);
  const stats: Record<string, Record<string, SufficientStats>> = {};
  const kinds = new Map(def.metrics.map((m) => [m.name, m.kind]));
  for (const r of rows) {
    if (r.kind !== 'a' || !r.metric || !kinds.has(r.metric) || !(r.variant in exposures)) continue;
    const n = exposures[r.variant];
    stats[r.metric] ??= {};
    stats[r.metric][r.variant] =
      kinds.get(r.metric) === 'ratio'
        ? { n, sumX: Number(r.a), sumX2: Number(r.b), sumY: Number(r.c), sumY2: Number(r.d), sumXY: Number(r.e) }
        : { n, sum: Number(r.a), sumSquares: Number(r.b) };
  }
  return analyzeTest({ testId, status: def.test.status, config: engineConfig(def), exposures, stats });
}

/**
 * The read-out of a test. While the test runs, a lift snapshot is kept at most once a minute (the workers'
 * round, lift-snapshot-round.ts, writes the ones nobody reads); stopping records the final one (stop-test.ts).
 */
export async function getResults(ref: string): Promise<AbTestResults> {
  const def = await loadTest(db, ref);
  const results = await analyzeDefinition(db, def);
  if (def.test.status === 'running') await recordLiftSnapshot(def.test.id, results);
  return results;
}

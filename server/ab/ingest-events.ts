import { sql } from 'drizzle-orm';
import { arrayColumns } from '@/db/array-columns';
import { db, type Tx } from '@/db/client';
import { ValidationError } from '@/server/errors';
import { assertRunning, variantFor } from './assign';
import { cachedDefinition, type TestDefinition } from './definition';
import { recordExposures } from './exposures';
import type { IngestInput } from './schemas';
import { aggregateDeltas, mergeSums, type UnitChange, type UnitSums } from './unit-deltas';

export interface IngestResult {
  /** Events stored by this request, or by the first request with the same idempotency key. */
  accepted: number;
  /** True when the idempotency key was seen before: nothing was counted again. */
  duplicate: boolean;
  /** Units exposed for the first time by these events. */
  newUnits: number;
}

interface PendingUnit {
  variant: string;
  batch: Map<string, UnitSums>;
}

/** Checks every event and folds the batch per (unit, metric) in memory; throws naming `events.N.field`. */
function foldBatch(def: TestDefinition, events: IngestInput['events']): Map<string, PendingUnit> {
  const units = new Map<string, PendingUnit>();
  for (const [i, e] of events.entries()) {
    if (!def.eventMetrics.has(e.metric)) {
      throw new ValidationError(`events.${i}.metric: unknown metric "${e.metric}" (this test takes ${[...def.eventMetrics].join(', ')})`, `events.${i}.metric`);
    }
    if (!Number.isFinite(e.value)) throw new ValidationError(`events.${i}.value: must be a finite number`, `events.${i}.value`);
    let unit = units.get(e.unit);
    if (!unit) {
      unit = { variant: variantFor(def, e.unit).key, batch: new Map() };
      units.set(e.unit, unit);
    }
    if (e.variant !== undefined && e.variant !== unit.variant) {
      throw new ValidationError(`events.${i}.variant: unit "${e.unit}" is assigned to "${unit.variant}", not "${e.variant}"`, `events.${i}.variant`);
    }
    const sums = unit.batch.get(e.metric);
    if (sums) {
      sums.sum += e.value;
      sums.positive ||= e.value > 0;
    } else unit.batch.set(e.metric, { sum: e.value, positive: e.value > 0 });
  }
  return units;
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Serialises ingestion per test (class id of the two-key advisory lock: "AB"). */
const INGEST_LOCK_CLASS = 0x4142;

async function storeBatch(tx: Tx, def: TestDefinition, input: IngestInput, units: Map<string, PendingUnit>): Promise<IngestResult> {
  const testId = def.test.id;
  // A share lock on the test row: stopping waits for batches in flight, and a batch never lands after a stop.
  const [row] = (await tx.execute<{ status: string }>(sql`select status from ab_tests where id = ${testId} for share`)).rows;
  assertRunning({ ...def, test: { ...def.test, status: row.status as typeof def.test.status } }, 'events');

  if (input.idempotencyKey !== undefined) {
    const key = await tx.execute(sql`
      insert into ab_ingest_keys (test_id, idempotency_key, event_count) values (${testId}, ${input.idempotencyKey}, ${input.events.length})
      on conflict do nothing`);
    if (!key.rowCount) {
      const [prior] = (await tx.execute<{ n: number }>(sql`select event_count as n from ab_ingest_keys where test_id = ${testId} and idempotency_key = ${input.idempotencyKey}`)).rows;
      return { accepted: prior.n, duplicate: true, newUnits: 0 };
    }
  }

  // One batch at a time per test: each batch reads the units' sums it is about to change, so two batches
  // touching the same unit must not interleave. Everything else below is set-based, a few statements.
  await tx.execute(sql`select pg_advisory_xact_lock(${INGEST_LOCK_CLASS}, hashtext(${testId}))`);

  const unitIds = [...units.keys()].sort(byCodeUnit);
  const exposed = await recordExposures(tx, testId, unitIds, unitIds.map((u) => units.get(u)!.variant));

  const before = new Map<string, Map<string, UnitSums>>();
  const stored = await tx.execute<{ unit: string; metric: string; sum: number; positive: boolean }>(
    sql`select unit, metric, sum, positive from ab_unit_metrics where test_id = ${testId} and unit = any(${sql.param(unitIds)}::text[])`,
  );
  for (const r of stored.rows) {
    let m = before.get(r.unit);
    if (!m) before.set(r.unit, (m = new Map()));
    m.set(r.metric, { sum: Number(r.sum), positive: r.positive });
  }

  const rows = { unit: [] as string[], metric: [] as string[], sum: [] as number[], positive: [] as boolean[] };
  const changes: UnitChange[] = [];
  for (const unit of unitIds) {
    const { variant, batch } = units.get(unit)!;
    const prior = before.get(unit) ?? new Map<string, UnitSums>();
    for (const metric of [...batch.keys()].sort(byCodeUnit)) {
      const next = mergeSums(prior.get(metric), batch.get(metric));
      rows.unit.push(unit);
      rows.metric.push(metric);
      rows.sum.push(next.sum);
      rows.positive.push(next.positive);
    }
    changes.push({ variant, before: prior, batch });
  }
  await tx.execute(sql`
    insert into ab_unit_metrics (test_id, unit, metric, sum, positive)
    select ${testId}, u, m, s, p from unnest(${sql.param(rows.unit)}::text[], ${sql.param(rows.metric)}::text[], ${sql.param(rows.sum)}::float8[], ${sql.param(rows.positive)}::bool[]) as x(u, m, s, p)
    on conflict (test_id, unit, metric) do update set sum = excluded.sum, positive = excluded.positive`);

  const deltas = aggregateDeltas(def.metrics, changes);
  if (deltas.length) {
    const col = arrayColumns(deltas);
    await tx.execute(sql`
      insert into ab_aggregates (test_id, variant, metric, sum, sum_squares, sum_y, sum_y_squares, sum_xy)
      select ${testId}, v, m, s, s2, y, y2, xy
      from unnest(${col('variant')}::text[], ${col('metric')}::text[], ${col('sum')}::float8[], ${col('sumSquares')}::float8[], ${col('sumY')}::float8[], ${col('sumYSquares')}::float8[], ${col('sumXy')}::float8[]) as x(v, m, s, s2, y, y2, xy)
      on conflict (test_id, variant, metric) do update set
        sum = ab_aggregates.sum + excluded.sum,
        sum_squares = ab_aggregates.sum_squares + excluded.sum_squares,
        sum_y = ab_aggregates.sum_y + excluded.sum_y,
        sum_y_squares = ab_aggregates.sum_y_squares + excluded.sum_y_squares,
        sum_xy = ab_aggregates.sum_xy + excluded.sum_xy`);
  }
  const newUnits = [...exposed.values()].reduce((s, n) => s + n, 0);
  return { accepted: input.events.length, duplicate: false, newUnits };
}

const RETRYABLE = new Set(['40P01', '40001']);
const sqlState = (error: unknown) => {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code;
};

/**
 * Stores a batch of events: exposures for units seen for the first time, the units' running sums, the
 * variants' aggregates and the idempotency key, all in ONE transaction, so a 2xx means durably stored
 * and a retry with the same key is acknowledged without being counted twice. Data-plane write: not
 * audited per batch (see assign.ts).
 */
export async function ingestEvents(ref: string, input: IngestInput): Promise<IngestResult> {
  const def = await cachedDefinition(ref);
  assertRunning(def, 'events');
  const units = foldBatch(def, input.events);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => storeBatch(tx, def, input, units));
    } catch (error) {
      if (attempt < 3 && RETRYABLE.has(sqlState(error) ?? '')) continue;
      throw error;
    }
  }
}

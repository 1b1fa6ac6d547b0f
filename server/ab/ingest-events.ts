import { sql } from 'drizzle-orm';
import { arrayColumns } from '@/db/array-columns';
import { db, type Tx } from '@/db/client';
import { ValidationError } from '@/server/errors';
import { assertRunning, variantFor } from './assign';
import { cachedDefinition, type TestDefinition } from './definition';
import { exposureCtes } from './exposures';
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

/** How far a sender's clock may be off ours: an event's timestamp may be this much before the start or after now. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * An event that happened before the test started cannot be an outcome of its assignment (counting it
 * would credit a variant with what its units did before seeing it), and one from the future is a broken
 * clock or a wrong unit of time (microseconds sent for milliseconds). Either refuses the batch, naming the event.
 */
function checkTimestamp(def: TestDefinition, i: number, timestamp: string | number, now: number) {
  const at = typeof timestamp === 'number' ? timestamp : Date.parse(timestamp);
  const field = `events.${i}.timestamp`;
  const startedAt = def.test.startedAt?.getTime();
  if (startedAt !== undefined && at < startedAt - MAX_CLOCK_SKEW_MS) {
    throw new ValidationError(`${field}: ${new Date(at).toISOString()} is before the test started (${new Date(startedAt).toISOString()}); only what happened during the test can count toward it`, field);
  }
  if (at > now + MAX_CLOCK_SKEW_MS) throw new ValidationError(`${field}: ${new Date(at).toISOString()} is in the future (more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes ahead of this server's clock; epoch milliseconds are expected)`, field);
}

/** Checks every event and folds the batch per (unit, metric) in memory; throws naming `events.N.field`. */
function foldBatch(def: TestDefinition, events: IngestInput['events']): Map<string, PendingUnit> {
  const units = new Map<string, PendingUnit>();
  const now = Date.now();
  for (const [i, e] of events.entries()) {
    if (!def.eventMetrics.has(e.metric)) {
      throw new ValidationError(`events.${i}.metric: unknown metric "${e.metric}" (this test takes ${[...def.eventMetrics].join(', ')})`, `events.${i}.metric`);
    }
    if (!Number.isFinite(e.value)) throw new ValidationError(`events.${i}.value: must be a finite number`, `events.${i}.value`);
    if (e.timestamp !== undefined) checkTimestamp(def, i, e.timestamp, now);
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

/*
 * A batch is five round trips: BEGIN, the claim (which records the batch's exposures and ends holding the
 * per-test lock), the read of the units' sums, the writes, COMMIT. Batches of one test follow each other
 * under that lock, so the time it is held sets the test's ingestion rate: it covers only the last three,
 * and the exposures, a third of the work, are written before it. They cannot be fewer:
 * - the sums must be read by a statement that starts after the lock is granted: read committed takes a
 *   statement's snapshot when it starts, so a statement that waited for the lock itself would read the
 *   sums as they were before the batch it waited for;
 * - the new sums are computed here (unit-deltas.ts), between reading and writing them.
 * BEGIN stays a round trip of its own: node-postgres sends one statement at a time, and folding BEGIN
 * into the claim would mean inlining its values into a simple-protocol query string.
 */
async function storeBatch(tx: Tx, def: TestDefinition, input: IngestInput, units: Map<string, PendingUnit>): Promise<IngestResult> {
  const testId = def.test.id;
  const unitIds = [...units.keys()].sort(byCodeUnit);
  // The claim, one statement taking its locks in the order each needs the previous one:
  // 1. a share lock on the test row: stopping waits for batches in flight, and a batch never lands after a
  //    stop (waiting for a stop returns the row as the stop left it, `stopped`);
  // 2. the idempotency key, only while running: a concurrent batch with the same key makes this insert
  //    wait for its outcome;
  // 3. the exposures of units seen for the first time, and their counts (units sorted, so concurrent
  //    batches wait on each other's new units in one order);
  // 4. the per-test lock, only when the key was new (a duplicate counts nothing, so it needs no lock).
  // Each step reads the previous one's rows, which is what makes Postgres run them in this order. Nothing
  // is waited for while holding the per-test lock: the key, exposure and count rows a batch may have to
  // wait for are all taken before it, so the lock's holder never waits on a batch queued behind it (a
  // deadlock, which Postgres would only break after deadlock_timeout).
  const claim =
    input.idempotencyKey === undefined
      ? sql`select from test where status = 'running'`
      : sql`insert into ab_ingest_keys (test_id, idempotency_key, event_count)
          select ${testId}, ${input.idempotencyKey}, ${input.events.length} from test where status = 'running'
          on conflict do nothing
          returning 1`;
  const [row] = (
    await tx.execute<{ status: string; locked: boolean; exposed: { variant: string; n: number }[] | null }>(sql`
      with test as (select status from ab_tests where id = ${testId} for share),
      claimed as (${claim}),
      ${exposureCtes(testId, unitIds, unitIds.map((u) => units.get(u)!.variant), sql`where exists (select 1 from claimed)`)},
      locked as (select pg_advisory_xact_lock(${INGEST_LOCK_CLASS}, hashtext(${testId})) from claimed where (select count(*) from added) >= 0)
      select status, exists (select from locked) as locked, (select json_agg(counted) from counted) as exposed from test`)
  ).rows;
  assertRunning({ ...def, test: { ...def.test, status: row.status as typeof def.test.status } }, 'events');
  if (!row.locked) {
    // A statement of its own: the key may have been committed while the claim waited for it, after the
    // claim's snapshot was taken.
    const [prior] = (await tx.execute<{ n: number }>(sql`select event_count as n from ab_ingest_keys where test_id = ${testId} and idempotency_key = ${input.idempotencyKey!}`)).rows;
    return { accepted: prior.n, duplicate: true, newUnits: 0 };
  }

  // One batch at a time per test from here on: each batch reads the units' sums it is about to change, so
  // two batches touching the same unit must not interleave.
  const stored = await tx.execute<{ unit: string; metric: string; sum: number; positive: boolean }>(
    sql`select unit, metric, sum, positive from ab_unit_metrics where test_id = ${testId} and unit = any(${sql.param(unitIds)}::text[])`,
  );
  const before = new Map<string, Map<string, UnitSums>>();
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
  // Both writes in one statement. The order Postgres runs the two inserts in is unspecified and does not
  // matter: only ingestion writes these tables, under the per-test lock. With no aggregate change the
  // second insert gets empty arrays and writes nothing.
  const col = arrayColumns(aggregateDeltas(def.metrics, changes));
  await tx.execute(sql`
    with unit_metrics as (
      insert into ab_unit_metrics (test_id, unit, metric, sum, positive)
      select ${testId}, u, m, s, p from unnest(${sql.param(rows.unit)}::text[], ${sql.param(rows.metric)}::text[], ${sql.param(rows.sum)}::float8[], ${sql.param(rows.positive)}::bool[]) as x(u, m, s, p)
      on conflict (test_id, unit, metric) do update set sum = excluded.sum, positive = excluded.positive
    )
    insert into ab_aggregates (test_id, variant, metric, sum, sum_squares, sum_y, sum_y_squares, sum_xy)
    select ${testId}, v, m, s, s2, y, y2, xy
    from unnest(${col('variant')}::text[], ${col('metric')}::text[], ${col('sum')}::float8[], ${col('sumSquares')}::float8[], ${col('sumY')}::float8[], ${col('sumYSquares')}::float8[], ${col('sumXy')}::float8[]) as x(v, m, s, s2, y, y2, xy)
    on conflict (test_id, variant, metric) do update set
      sum = ab_aggregates.sum + excluded.sum,
      sum_squares = ab_aggregates.sum_squares + excluded.sum_squares,
      sum_y = ab_aggregates.sum_y + excluded.sum_y,
      sum_y_squares = ab_aggregates.sum_y_squares + excluded.sum_y_squares,
      sum_xy = ab_aggregates.sum_xy + excluded.sum_xy`);
  const newUnits = (row.exposed ?? []).reduce((s, e) => s + e.n, 0);
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

import { sql, type SQL } from 'drizzle-orm';
import { db } from '@/db/client';
import { getEnv } from '@/server/env';
import { onShutdown } from '@/server/lifecycle';
import { logger } from '@/server/logger';

/** Exposure counts are spread over this many rows per variant so concurrent writers rarely wait on one. */
export const EXPOSURE_SHARDS = 16;

const randomShard = () => Math.floor(Math.random() * EXPOSURE_SHARDS);

/*
 * First assignments are written behind: the assignment is answered at once and its exposure is stored
 * by the next flush, a few milliseconds later, as one statement per test for everything that arrived
 * meanwhile. Answering only after a commit capped assignment at ~1,400 requests/s with a 21 ms p99 on
 * this machine (every request waited for an fsync); the hash needs no database at all.
 *
 * What this trades: a process that dies without its shutdown flush (SIGKILL, power loss) loses the
 * exposures of its last AB_EXPOSURE_FLUSH_MS (default 5 ms). Such a unit is still counted when it sends an event (the
 * event path records exposures durably, before its 2xx) or when it is assigned again by another process;
 * a lost exposure of a unit that never comes back only shrinks n for that variant by a handful, which
 * the SRM check would surface if it were ever systematic. Events, which carry the outcomes, stay
 * durable-before-acknowledged.
 *
 * Per unit, three states, checked in this order on every assignment (two map lookups, no promise):
 *   recorded — its exposure row has COMMITTED (or was already there): nothing to do;
 *   pending  — queued for the next flush, or in the statement being written: nothing more to queue;
 *   neither  — queued now.
 * A unit becomes `recorded` only after the statement that wrote it committed. A failed write puts its
 * units back in the queue with exponential backoff (per test) and they are retried for as long as this
 * process lives: nothing is dropped. Past ERROR_AFTER_FAILURES consecutive failures every further failure
 * is logged as an error naming the test and the count still waiting; only a process exit can lose them
 * (the shutdown hook logs that count too).
 *
 * Stop: the flush writes under the test row's share lock, as event ingestion does (ingest-events.ts), and
 * only while the test is `running`. Stopping takes the row lock FOR UPDATE (stop-test.ts), so either the
 * flush commits first (the stop waits for it, and its final lift snapshot counts those exposures), or the
 * stop commits first and the flush then sees `stopped` and writes nothing. The stop's snapshot is the
 * test's last word: an exposure buffered but not committed when the stop committed is NOT counted
 * (results read ab_exposure_counts, which therefore never change after the stop). Those units were
 * answered while the test ran but carry no event either (events are refused once stopped), so leaving
 * them out of n does not bias it the way an exposed unit without its exposure would. They are discarded
 * with a warning naming the count.
 *
 * Backpressure: when the database falls behind and MAX_PENDING units are queued, callers wait for the
 * next flush pass instead of growing the buffer (while the database is down they are answered after the
 * pass fails; the units stay queued).
 */
const MAX_PENDING = 50_000;
/** Consecutive failed writes of one test after which each further failure is an error, not a warning. */
const ERROR_AFTER_FAILURES = 5;
const MAX_BACKOFF_MS = 30_000;

/** unit → variant; a Map, so a unit assigned twice before a flush is written once. */
type Units = Map<string, string>;

interface TestBuffer {
  /** Waiting for the next flush. */
  queued: Units;
  /** The batch of the statement in flight, if any: pending as well, never queued twice. */
  writing: Units | null;
  /** Consecutive failed writes; the next write waits for `retryAt` (the forced flush does not). */
  failures: number;
  retryAt: number;
}

const buffers = new Map<string, TestBuffer>();
let queuedCount = 0;
let timer: NodeJS.Timeout | null = null;
let timerAt = 0;
let inFlight: Promise<void> | null = null;
/** Callers held by backpressure, released at the end of the next flush pass. */
let waiters: (() => void)[] = [];

/**
 * Units whose exposure row has committed (rows are never deleted, so this can only be incomplete, never
 * wrong): a returning unit is answered without a database write. Bounded: clearing only costs rewrites.
 */
const recorded = new Map<string, Set<string>>();
let recordedCount = 0;
const MAX_RECORDED = 200_000;

const backoffMs = (failures: number) => Math.min(MAX_BACKOFF_MS, getEnv().AB_EXPOSURE_FLUSH_MS * 2 ** failures);

/**
 * Queues a unit's first assignment for the next flush unless its exposure is already stored or pending.
 * Returns undefined at once, or, when MAX_PENDING units are already queued, a promise settled after the
 * next flush pass.
 */
export function recordExposure(testId: string, unit: string, variant: string): Promise<void> | undefined {
  if (recorded.get(testId)?.has(unit)) return undefined;
  let buf = buffers.get(testId);
  if (!buf) buffers.set(testId, (buf = { queued: new Map(), writing: null, failures: 0, retryAt: 0 }));
  if (buf.queued.has(unit) || buf.writing?.has(unit)) return undefined;
  buf.queued.set(unit, variant);
  queuedCount++;
  schedule();
  if (queuedCount >= MAX_PENDING) return new Promise((resolve) => waiters.push(resolve));
  return undefined;
}

/** Arms the timer for the earliest test due (a test in backoff waits for its retry time). */
function schedule() {
  if (inFlight) return; // the pass in flight schedules the next one when it ends
  const now = Date.now();
  let due = Infinity;
  for (const buf of buffers.values()) if (buf.queued.size) due = Math.min(due, Math.max(now + getEnv().AB_EXPOSURE_FLUSH_MS, buf.retryAt));
  if (due === Infinity || (timer && timerAt <= due)) return;
  if (timer) clearTimeout(timer);
  timerAt = due;
  timer = setTimeout(() => {
    timer = null;
    if (!inFlight) void runPass(false);
  }, due - now);
  // A pending flush must not keep a finished script alive; servers call flushExposures() on shutdown.
  timer.unref();
}

async function runPass(force: boolean): Promise<void> {
  if (timer) {
    clearTimeout(timer);
    timer = null;
  }
  inFlight = writeDue(force);
  try {
    await inFlight;
  } finally {
    inFlight = null;
    const released = waiters;
    waiters = [];
    released.forEach((resolve) => resolve());
    schedule();
  }
}

/**
 * Writes every queued exposure now, tests in backoff included (also the shutdown hook). Resolves once
 * each test's batch was written or failed; failed units stay queued and are retried by the timer.
 */
export async function flushExposures(): Promise<void> {
  while (inFlight) await inFlight;
  if (queuedCount === 0) return;
  await runPass(true);
}

/** How many units are queued or being written (tests and the shutdown log use it). */
export function pendingExposures(): number {
  let n = queuedCount;
  for (const buf of buffers.values()) n += buf.writing?.size ?? 0;
  return n;
}

async function writeDue(force: boolean) {
  const now = Date.now();
  for (const [testId, buf] of [...buffers.entries()]) {
    if (!buf.queued.size || (!force && buf.retryAt > now)) continue;
    const batch = buf.queued;
    buf.writing = batch;
    buf.queued = new Map();
    queuedCount -= batch.size;
    const units = [...batch.keys()].sort();
    try {
      const { live } = await storeBufferedExposures(testId, units, units.map((u) => batch.get(u)!));
      buf.failures = 0;
      buf.retryAt = 0;
      if (live) for (const unit of units) remember(testId, unit);
      else logger.warn({ testId, units: units.length }, 'exposures discarded: the test stopped before they were written');
    } catch (error) {
      // Back in the queue (a unit queued meanwhile is not: it was pending, so it could not be queued again).
      for (const [unit, variant] of batch) buf.queued.set(unit, variant);
      queuedCount += batch.size;
      buf.failures++;
      buf.retryAt = Date.now() + backoffMs(buf.failures);
      const log = { err: error, testId, units: buf.queued.size, failures: buf.failures, retryInMs: buf.retryAt - Date.now() };
      if (buf.failures >= ERROR_AFTER_FAILURES) logger.error(log, 'exposures still not written after repeated failures; kept and retried');
      else logger.warn(log, 'exposure flush failed; retrying');
    } finally {
      buf.writing = null;
      if (!buf.queued.size && !buf.failures) buffers.delete(testId);
    }
  }
}

function remember(testId: string, unit: string) {
  if (recordedCount >= MAX_RECORDED) {
    recorded.clear();
    recordedCount = 0;
  }
  let units = recorded.get(testId);
  if (!units) recorded.set(testId, (units = new Set()));
  if (!units.has(unit)) {
    units.add(unit);
    recordedCount++;
  }
}

onShutdown('ab-exposures', async () => {
  // A few quick tries, then say how many exposures this exit loses.
  for (let attempt = 0; attempt < 3 && pendingExposures(); attempt++) {
    if (attempt) await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    await flushExposures();
  }
  if (pendingExposures()) logger.error({ units: pendingExposures() }, 'exposures not written before exit: lost');
});

/**
 * The insert-and-count CTEs shared by both paths; `where` filters the units (or not). `counted` has the
 * new exposures per variant; `added` returns a row once the counts are written, for a caller that must
 * act only after that (ingest-events.ts takes its per-test lock after it).
 */
export const exposureCtes = (testId: string, units: string[], variants: string[], where: SQL) => sql`
    inserted as (
      insert into ab_exposures (test_id, unit, variant)
      select ${testId}, u, v from unnest(${sql.param(units)}::text[], ${sql.param(variants)}::text[]) as x(u, v)
      ${where}
      on conflict do nothing
      returning variant
    ),
    counted as (select variant, count(*)::int as n from inserted group by variant),
    added as (
      insert into ab_exposure_counts (test_id, variant, shard, n)
      select ${testId}, variant, ${randomShard()}, n from counted
      on conflict (test_id, variant, shard) do update set n = ab_exposure_counts.n + excluded.n
      returning 1
    )`;

/**
 * The write-behind flush's statement: the exposures of a running test, under the test row's share lock
 * taken in the same statement (so one round trip and one commit, no explicit transaction). Waits for a
 * stop in progress and then sees `stopped`; a stop waits for it. `live` is false when nothing was
 * written because the test is not running.
 */
export async function storeBufferedExposures(testId: string, units: string[], variants: string[]): Promise<{ live: boolean; added: Map<string, number> }> {
  const { rows } = await db.execute<{ live: boolean; variant: string | null; n: number | null }>(sql`
    with live as (select id from ab_tests where id = ${testId} and status = 'running' for share),
    ${exposureCtes(testId, units, variants, sql`where exists (select 1 from live)`)}
    select exists (select 1 from live) as live, c.variant, c.n from (values (1)) as one(x) left join counted c on true order by c.variant`);
  return { live: Boolean(rows[0]?.live), added: new Map(rows.filter((r) => r.variant !== null).map((r) => [r.variant!, r.n!])) };
}

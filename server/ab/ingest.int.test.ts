import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '@/db/client';
import { ConflictError } from '@/server/errors';
import { systemMeta, testApiKey } from '@/test/fixtures';
import { client, startRestServer } from '@/test/rest-client';
import { createTest } from './create-test';
import { loadTest } from './definition';
import { ingestEvents } from './ingest-events';
import { createTestSchema } from './schemas';
import { startTest } from './start-test';
import { stopLockedTest } from './stop-test';
import { type ApiProcess, startApiProcess } from './testing/api-process';
import { exposureReconciliation, familyWithVersions, recomputedAggregates, storedAggregates, testBody } from './testing/fixtures';

let key: string;
beforeAll(async () => {
  key = await testApiKey('ml_engineer', 'ingest clients');
});

type Event = { unit: string; metric: string; value: number };
type Batch = { key: string; events: Event[] };

/** A batch of `size` events drawn from a fixed seed: integer values, so sums and squares stay exact in float8. */
function seededBatch(key: string, seed: number, size: number, units: number): Batch {
  const metrics = ['converted', 'latency_ms', 'clicks', 'views'];
  const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const events = Array.from({ length: size }, () => ({
    unit: `user-${Math.floor(rand() * units)}`,
    metric: metrics[Math.floor(rand() * metrics.length)],
    value: Math.floor(rand() * 5) - 1,
  }));
  return { key, events };
}

/** Transactions that sessions named `applicationName` have open in this database. */
const openTransactions = async (applicationName: string) =>
  (
    await db.execute<{ n: number }>(
      sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = ${applicationName} and xact_start is not null`,
    )
  ).rows[0].n;

/** Sessions named `applicationName` still connected to this database. */
const sessions = async (applicationName: string) =>
  (await db.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = ${applicationName}`)).rows[0].n;

describe('concurrent ingestion', () => {
  const servers: Awaited<ReturnType<typeof startRestServer>>[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close().catch(() => {});
  });

  /**
   * Several clients send overlapping batches (the same units, every metric kind) to the dedicated API
   * process (server/http/main.ts, as in production). Once half of the batches are acknowledged, a burst of
   * extra batches is sent and, as soon as Postgres shows ingestion transactions of that process open, it is
   * killed with SIGKILL: requests in flight are cut, and their transactions are rolled back by Postgres
   * (nothing finishes them in the background). A fresh API process (new port) takes over, and the clients
   * carry on, retrying every unacknowledged request with the same idempotency key against the new URL, as a
   * real sender would. Afterwards every acknowledged event is counted exactly once: per-unit sums equal the
   * acknowledged events, one idempotency key per batch, and the aggregates equal a recomputation. Only
   * events are sent: their exposures are written in the batch's transaction (unlike assignments', which are
   * written behind and may be lost by a SIGKILL; see exposures.ts), so the exposures reconcile exactly too.
   */
  it('counts every acknowledged event exactly once when the API process is killed (SIGKILL) mid-way and a new one takes over', async () => {
    const family = await familyWithVersions();
    // Named sessions: Postgres shows which process has transactions open.
    const first = await startApiProcess({ PGAPPNAME: 'nw-ingest-api-killed' });
    const setup = client(first.url, key);
    const test = (await setup('POST', '/ab-tests', testBody(family.slug))).body;
    expect((await setup('POST', `/ab-tests/${test.id}/start`)).status).toBe(200);

    const CLIENTS = 6;
    const BATCHES = 12;
    const PER_BATCH = 400;
    const UNITS = 500;
    const BURST = 6;
    const KILL_AFTER = (CLIENTS * BATCHES) / 2;
    const batches = Array.from({ length: CLIENTS }, (_, c) => Array.from({ length: BATCHES }, (_, b) => seededBatch(`client-${c}-batch-${b}`, 1 + c * 1000 + b, PER_BATCH, UNITS)));
    const burst = Array.from({ length: BURST }, (_, b) => seededBatch(`burst-${b}`, 1 + CLIENTS * 1000 + b, PER_BATCH, UNITS));

    // The process requests go to; while the replacement starts, its start (requests wait for it).
    let current: Promise<ApiProcess> = Promise.resolve(first);
    let acknowledged = 0;
    let retries = 0;
    let duplicates = 0;
    let cutByKill = 0;
    let killed = false;
    let reachedKillPoint!: () => void;
    const killPoint = new Promise<void>((resolve) => (reachedKillPoint = resolve));
    const send = async (batch: Batch) => {
      for (let attempt = 0; ; attempt++) {
        const api = await current;
        try {
          const res = await fetch(`${api.url}/api/v1/ab-tests/${test.id}/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ events: batch.events, idempotencyKey: batch.key }),
          });
          const body = await res.json();
          if (res.status !== 200) throw new Error(`status ${res.status}: ${JSON.stringify(body)}`);
          if (body.duplicate) duplicates++;
          if (++acknowledged === KILL_AFTER) reachedKillPoint();
          return;
        } catch (error) {
          if (attempt >= 5) throw error;
          retries++;
          if (killed && api === first) cutByKill++;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };

    let openAtKill = 0;
    const killer = (async () => {
      await killPoint;
      // Extra batches on top of the clients' own, so the kill cannot fall into a quiet moment.
      const burstSent = burst.map(send);
      const deadline = Date.now() + 10_000;
      while ((openAtKill = await openTransactions('nw-ingest-api-killed')) === 0) {
        if (Date.now() > deadline) throw new Error('no ingestion transaction of the API process was seen open');
      }
      killed = true;
      first.child.kill('SIGKILL');
      current = startApiProcess({ PGAPPNAME: 'nw-ingest-api-new' });
      expect(await first.exited).toBeNull();
      await Promise.all(burstSent);
    })();

    await Promise.all([
      killer,
      ...batches.map(async (own) => {
        for (const [b, batch] of own.entries()) {
          await send(batch);
          // Every third batch is sent again on purpose, as a client that missed the answer would.
          if (b % 3 === 0) await send(batch);
        }
      }),
    ]);
    // The kill cut requests in flight: they failed on the killed process and were sent again to the new one.
    expect(cutByKill).toBeGreaterThan(0);
    expect((await current).url).not.toBe(first.url);
    const distinctBatches = CLIENTS * BATCHES + BURST;
    expect(acknowledged).toBe(distinctBatches + CLIENTS * (BATCHES / 3));
    expect(duplicates).toBeGreaterThanOrEqual(CLIENTS * (BATCHES / 3));

    // Expected per-unit sums from the batches, each counted once.
    const all = [...batches.flat(), ...burst];
    const expected = new Map<string, number>();
    for (const batch of all) for (const e of batch.events) expected.set(`${e.unit}/${e.metric}`, (expected.get(`${e.unit}/${e.metric}`) ?? 0) + e.value);
    const stored = await db.execute<{ unit: string; metric: string; sum: number }>(sql`select unit, metric, sum from ab_unit_metrics where test_id = ${test.id}`);
    const actual = new Map(stored.rows.map((r) => [`${r.unit}/${r.metric}`, Number(r.sum)]));
    expect(actual).toEqual(expected);
    const keys = await db.execute<{ n: number; events: number }>(sql`select count(*)::int n, sum(event_count)::int events from ab_ingest_keys where test_id = ${test.id}`);
    expect(keys.rows[0]).toEqual({ n: distinctBatches, events: distinctBatches * PER_BATCH });

    expect(await storedAggregates(test.id)).toEqual(await recomputedAggregates(test.id));
    const exposures = await exposureReconciliation(test.id);
    for (const e of exposures) expect(e.counted).toBe(e.rows);
    const units = new Set(all.flatMap((b) => b.events.map((e) => e.unit)));
    expect(exposures.reduce((s, e) => s + e.rows, 0)).toBe(units.size);
    // Postgres ended every session of the killed process (its cut transactions rolled back).
    await vi.waitFor(async () => expect(await sessions('nw-ingest-api-killed')).toBe(0), { timeout: 5_000, interval: 50 });
    console.log(
      `concurrent ingestion across a SIGKILL: ${acknowledged} acknowledged requests, ${duplicates} duplicates, ${retries} retries (${cutByKill} requests cut by the kill, ${openAtKill} ingestion transactions open at the kill)`,
    );
  }, 60_000);

  // In this process: assignments' exposures are written behind, and exposureReconciliation writes this process's buffer first.
  it('keeps exposure counts exact under concurrent assignment and ingestion of the same new units', async () => {
    const family = await familyWithVersions();
    const s = await startRestServer();
    servers.push(s);
    const call = client(s.url, key);
    const test = (await call('POST', '/ab-tests', testBody(family.slug))).body;
    await call('POST', `/ab-tests/${test.id}/start`);
    const units = Array.from({ length: 400 }, (_, i) => `new-${i}`);
    await Promise.all([
      ...units.map((u) => call('GET', `/ab-tests/${test.id}/assign?unit=${u}`)),
      ...[0, 1, 2, 3].map((k) => call('POST', `/ab-tests/${test.id}/events`, { events: units.map((unit) => ({ unit, metric: 'converted', value: k % 2 })) })),
    ]);
    const exposures = await exposureReconciliation(test.id);
    expect(exposures.reduce((sum, e) => sum + e.rows, 0)).toBe(400);
    for (const e of exposures) expect(e.counted).toBe(e.rows);
    expect(await storedAggregates(test.id)).toEqual(await recomputedAggregates(test.id));
    const results = (await call('GET', `/ab-tests/${test.id}/results`)).body;
    expect(results.metrics[0].variants.reduce((sum: number, v: { n: number }) => sum + v.n, 0)).toBe(400);
    expect(results.metrics[0].variants.every((v: { mean: number }) => v.mean === 1)).toBe(true);
  });
});

/** Batches of this test whose claim (ingest-events.ts) is waiting for a lock. */
const claimsWaiting = async () =>
  (
    await db.execute<{ n: number }>(
      sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%claimed as (%'`,
    )
  ).rows[0].n;

/**
 * The locks a batch takes in its first statement (the test row's share lock, its idempotency key, the
 * per-test lock), each forced to wait here for what it waits for in production, in this process's services.
 */
describe('the locks of an ingested batch', () => {
  const runningTest = async () => {
    const family = await familyWithVersions();
    const test = await createTest(systemMeta, createTestSchema.parse(testBody(family.slug)));
    await startTest(systemMeta, test.id);
    // Counts one batch, so the definition is cached as running for the batches below.
    await ingestEvents(test.id, { events: [{ unit: 'early', metric: 'converted', value: 1 }] });
    return test.id;
  };

  it('waits for a stop holding the test row, then refuses the batch (409) and writes nothing', async () => {
    const testId = await runningTest();
    let ingesting: Promise<unknown> | undefined;
    await db.transaction(async (tx) => {
      const def = await loadTest(tx, testId, { lock: true });
      ingesting = ingestEvents(testId, { idempotencyKey: 'during-stop', events: [{ unit: 'late', metric: 'converted', value: 1 }] }).catch((error: unknown) => error);
      await vi.waitFor(async () => expect(await claimsWaiting()).toBe(1), { timeout: 5_000, interval: 10 });
      await stopLockedTest(tx, systemMeta, def);
    });
    const refused = await ingesting;
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toMatch(/stopped/);
    const { rows } = await db.execute<{ keys: number; exposures: number; sums: number }>(sql`
      select (select count(*)::int from ab_ingest_keys where test_id = ${testId}) as keys,
        (select count(*)::int from ab_exposures where test_id = ${testId} and unit = 'late') as exposures,
        (select count(*)::int from ab_unit_metrics where test_id = ${testId} and unit = 'late') as sums`);
    expect(rows[0]).toEqual({ keys: 0, exposures: 0, sums: 0 });
  });

  it('counts a batch sent again while the first is still in flight once, answering with the first count', async () => {
    const testId = await runningTest();
    const batch = { idempotencyKey: 'twice', events: [{ unit: 'u1', metric: 'latency_ms', value: 5 }, { unit: 'u2', metric: 'converted', value: 1 }, { unit: 'u2', metric: 'views', value: 3 }] };
    let answers: unknown[] = [];
    // Holding the per-test lock keeps the first batch in flight, its key inserted and not committed: the
    // second one waits on that key, and sees it only once the first has committed.
    await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${0x4142}, hashtext(${testId}))`);
      const first = ingestEvents(testId, batch);
      await vi.waitFor(async () => expect(await claimsWaiting()).toBe(1), { timeout: 5_000, interval: 10 });
      const second = ingestEvents(testId, batch);
      await vi.waitFor(async () => expect(await claimsWaiting()).toBe(2), { timeout: 5_000, interval: 10 });
      answers = [first, second];
    });
    expect(await Promise.all(answers)).toEqual([
      { accepted: 3, duplicate: false, newUnits: 2 },
      { accepted: 3, duplicate: true, newUnits: 0 },
    ]);
    const stored = await db.execute<{ unit: string; metric: string; sum: number }>(sql`select unit, metric, sum from ab_unit_metrics where test_id = ${testId} and unit <> 'early' order by unit, metric`);
    expect(stored.rows.map((r) => ({ ...r, sum: Number(r.sum) }))).toEqual([
      { unit: 'u1', metric: 'latency_ms', sum: 5 },
      { unit: 'u2', metric: 'converted', sum: 1 },
      { unit: 'u2', metric: 'views', sum: 3 },
    ]);
    expect(await storedAggregates(testId)).toEqual(await recomputedAggregates(testId));
    for (const e of await exposureReconciliation(testId)) expect(e.counted).toBe(e.rows);
  });
});

import { sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { db } from '@/db/client';
import { systemMeta, testApiKey } from '@/test/fixtures';
import { client } from '@/test/rest-client';
import { assign } from './assign';
import { createTest } from './create-test';
import { invalidateDefinition, loadTest } from './definition';
import { flushExposures, pendingExposures } from './exposures';
import { createTestSchema } from './schemas';
import { startTest } from './start-test';
import { stopLockedTest } from './stop-test';
import { startApiProcess } from './testing/api-process';
import { exposureReconciliation, familyWithVersions, testBody } from './testing/fixtures';

describe('exposures written behind the assignment', () => {
  it('are answered before they are written, and all stored when the API process is stopped with SIGTERM', async () => {
    const family = await familyWithVersions();
    const pm = await testApiKey('product_manager');
    // A flush interval far longer than the test: only the shutdown flush can write these exposures.
    const api = await startApiProcess({ AB_EXPOSURE_FLUSH_MS: '60000' });
    const call = client(api.url, pm);
    const test = (await call('POST', '/ab-tests', testBody(family.slug))).body as { id: string };
    expect((await call('POST', `/ab-tests/${test.id}/start`)).status).toBe(200);

    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => call('GET', `/ab-tests/${test.id}/assign?unit=sigterm-${i}`)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect((await exposureReconciliation(test.id)).reduce((sum, c) => sum + c.rows, 0)).toBe(0);
    // The process's own Prometheus metrics count every assignment it served.
    const metrics = await (await fetch(`${api.url}/api/metrics`)).text();
    const counted = [...metrics.matchAll(new RegExp(`nw_ab_assignments_total\\{test="${test.id}",variant="[^"]+"\\} (\\d+)`, 'g'))].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(counted).toBe(300);
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);

    const counts = await exposureReconciliation(test.id);
    expect(counts.reduce((sum, c) => sum + c.rows, 0)).toBe(300);
    expect(counts.every((c) => c.counted === c.rows)).toBe(true);
    for (const c of counts) expect(c.rows).toBe(answers.filter((a) => a.body.variant === c.variant).length);
  });
});

/** A running test made through the services, in this process (its exposures go through this process's buffer). */
async function runningTest() {
  const family = await familyWithVersions();
  const test = await createTest(systemMeta, createTestSchema.parse(testBody(family.slug)));
  await startTest(systemMeta, test.id);
  return test.id;
}

const stored = async (testId: string) => {
  const counts = await exposureReconciliation(testId);
  return { rows: counts.reduce((s, c) => s + c.rows, 0), counted: counts.reduce((s, c) => s + c.counted, 0) };
};

const exposureRows = async (testId: string) => (await db.execute<{ n: number }>(sql`select count(*)::int as n from ab_exposures where test_id = ${testId}`)).rows[0].n;

describe('exposure write-behind in this process', () => {
  it('keeps retrying a unit whose write keeps failing, without queueing it twice, and counts it exactly once', async () => {
    const testId = await runningTest();
    // Every exposure insert of this test fails until the control row is switched off: the forced flushes
    // below fail, and so do any retries the backoff timer makes meanwhile (counting failures instead made
    // the test race that timer on a slow machine).
    const FORCED_FAILURES = 5;
    const tag = testId.replace(/-/g, '_');
    await db.execute(sql.raw(`create table fail_ctl_${tag} (failing boolean not null); insert into fail_ctl_${tag} values (true)`));
    await db.execute(
      sql.raw(`create function fail_fn_${tag}() returns trigger language plpgsql as $$ begin
        if new.test_id = '${testId}' and (select failing from fail_ctl_${tag}) then raise exception 'injected exposure failure'; end if;
        return new; end $$`),
    );
    await db.execute(sql.raw(`create trigger fail_trg_${tag} before insert on ab_exposures for each row execute function fail_fn_${tag}()`));
    try {
      await assign(testId, 'flaky-unit');
      for (let i = 0; i < FORCED_FAILURES; i++) {
        await flushExposures();
        // Still pending (not remembered as stored), and assigning it again does not queue a duplicate.
        await assign(testId, 'flaky-unit');
        expect(pendingExposures()).toBe(1);
        expect(await exposureRows(testId)).toBe(0);
      }
      await db.execute(sql.raw(`update fail_ctl_${tag} set failing = false`));
      // The next try is the timer's, after the backoff: no forced flush.
      await vi.waitFor(async () => expect(await exposureRows(testId)).toBe(1), { timeout: 15_000, interval: 100 });
      await assign(testId, 'flaky-unit');
      expect(pendingExposures()).toBe(0);
      expect(await stored(testId)).toEqual({ rows: 1, counted: 1 });
    } finally {
      await db.execute(sql.raw(`drop trigger fail_trg_${tag} on ab_exposures; drop function fail_fn_${tag}(); drop table fail_ctl_${tag}`));
    }
  });

  it('does not count an exposure whose flush races a stop that commits first', async () => {
    const testId = await runningTest();
    await assign(testId, 'before-stop');
    expect(await stored(testId)).toEqual({ rows: 1, counted: 1 });

    await db.transaction(async (tx) => {
      const def = await loadTest(tx, testId, { lock: true }); // the stop holds the row lock…
      await assign(testId, 'racing-unit'); // …while the unit is answered (cached definition) and its flush starts
      await vi.waitFor(
        async () => {
          const { rows } = await db.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%insert into ab_exposures%'`);
          expect(rows[0].n).toBeGreaterThan(0);
        },
        { timeout: 5_000, interval: 10 },
      );
      await stopLockedTest(tx, systemMeta, def);
    });
    invalidateDefinition(testId);
    await flushExposures();
    expect(pendingExposures()).toBe(0);
    // Only the exposure committed before the stop: the final snapshot's n is still the results' n.
    expect(await stored(testId)).toEqual({ rows: 1, counted: 1 });
    const { rows } = await db.execute<{ n: number }>(sql`select coalesce(max(n), 0)::int as n from ab_lift_snapshots where test_id = ${testId}`);
    expect(rows[0].n).toBeLessThanOrEqual(1);
  });
});

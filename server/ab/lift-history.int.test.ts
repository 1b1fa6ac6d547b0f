import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/db/client';
import { meta, testUser } from '@/test/fixtures';
import { createTest } from './create-test';
import { getResults } from './get-results';
import { ingestEvents } from './ingest-events';
import { listLiftHistory } from './lift-history';
import { createTestSchema } from './schemas';
import { startTest } from './start-test';
import { stopTest } from './stop-test';
import { familyWithVersions, testBody } from './testing/fixtures';

async function runningTest() {
  const pm = meta(await testUser('product_manager'));
  const family = await familyWithVersions();
  const test = await createTest(pm, createTestSchema.parse(testBody(family.slug)));
  await startTest(pm, test.id);
  return { pm, test };
}

/** `count` units, each converting with probability `rate` of its variant (fixed-seed generator). */
function events(from: number, count: number, seed = 7) {
  let s = seed;
  const rand = () => (s = (s * 48271) % 2147483647) / 2147483647;
  return Array.from({ length: count }, (_, i) => ({ unit: `u-${from + i}`, metric: 'converted', value: rand() < 0.3 ? 1 : 0 }));
}

describe('lift history', () => {
  it('records a final snapshot with the final counts when the test is stopped, even inside the once-a-minute window', async () => {
    const { pm, test } = await runningTest();
    await ingestEvents(test.id, { events: events(0, 200) });
    await getResults(test.id); // the periodic snapshot: first one of this test
    const before = await listLiftHistory(test.id, 100);
    expect(before.map((p) => p.metric).sort()).toEqual(['clicks', 'converted', 'latency_ms']);

    await ingestEvents(test.id, { events: events(200, 300, 99) });
    await getResults(test.id); // within the minute: throttled, no new point
    expect(await listLiftHistory(test.id, 100)).toHaveLength(before.length);

    const stopped = await stopTest(pm, test.id);
    expect(stopped.status).toBe('stopped');
    const after = await listLiftHistory(test.id, 100);
    expect(after).toHaveLength(before.length * 2);
    const last = after.slice(before.length);
    // One instant for the whole final snapshot, after the periodic one.
    expect(new Set(last.map((p) => p.at.getTime())).size).toBe(1);
    expect(last[0].at.getTime()).toBeGreaterThan(before[before.length - 1].at.getTime());

    const final = await getResults(test.id);
    const converted = final.metrics.find((m) => m.name === 'converted')!;
    const treatmentN = converted.variants.find((v) => v.key === 'treatment')!.n;
    expect(converted.variants.reduce((s, v) => s + v.n, 0)).toBe(500);
    const lastConverted = last.find((p) => p.metric === 'converted')!;
    expect(lastConverted).toMatchObject({ variant: 'treatment', n: treatmentN, relativeEffect: converted.comparisons[0].relative.effect });
    // Reading a stopped test writes nothing more.
    expect(await listLiftHistory(test.id, 100)).toHaveLength(after.length);
  });

  it('records a final snapshot for a test that was never read while running, in the stop transaction', async () => {
    const { pm, test } = await runningTest();
    await ingestEvents(test.id, { events: events(0, 50) });
    await stopTest(pm, test.id, 'done');
    const points = await listLiftHistory(test.id, 100);
    expect(points.map((p) => p.metric).sort()).toEqual(['clicks', 'converted', 'latency_ms']);
    expect(points.every((p) => p.n > 0)).toBe(true);
    // A second stop is refused and writes no second snapshot.
    await expect(stopTest(pm, test.id)).rejects.toMatchObject({ status: 409 });
    const { rows } = await db.execute<{ n: number }>(sql`select count(*)::int as n from ab_lift_snapshots where test_id = ${test.id}`);
    expect(rows[0].n).toBe(3);
  });
});

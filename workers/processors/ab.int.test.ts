import type { Job } from 'bullmq';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/db/client';
import { createTest } from '@/server/ab/create-test';
import { getResults } from '@/server/ab/get-results';
import { ingestEvents } from '@/server/ab/ingest-events';
import { listLiftHistory } from '@/server/ab/lift-history';
import { createTestSchema } from '@/server/ab/schemas';
import { startTest } from '@/server/ab/start-test';
import { stopTest } from '@/server/ab/stop-test';
import { familyWithVersions, testBody } from '@/server/ab/testing/fixtures';
import { meta, systemMeta, testUser } from '@/test/fixtures';
import { abProcessor } from './ab';

/** `count` units, each converting with probability 0.3 (fixed-seed generator). */
function events(from: number, count: number, seed = 7) {
  let s = seed;
  const rand = () => (s = (s * 48271) % 2147483647) / 2147483647;
  return Array.from({ length: count }, (_, i) => ({ unit: `u-${from + i}`, metric: 'converted', value: rand() < 0.3 ? 1 : 0 }));
}

async function newTest(state: 'draft' | 'running' | 'stopped') {
  const pm = meta(await testUser('product_manager'));
  const family = await familyWithVersions();
  const test = await createTest(pm, createTestSchema.parse(testBody(family.slug)));
  if (state === 'draft') return test;
  await startTest(pm, test.id);
  await ingestEvents(test.id, { events: events(0, 100) });
  if (state === 'stopped') await stopTest(pm, test.id);
  return test;
}

/** One round, as the worker runs it for the `ab-lift-snapshots` schedule. */
const round = () => abProcessor({ name: 'lift-snapshot-round', payload: {}, job: { id: 'test-round' } as Job, meta: systemMeta });

/** Moves a test's points (and this process's clock) two minutes on, as if two minutes had passed. */
async function advanceTwoMinutes(testIds: string[]) {
  for (const id of testIds) await db.execute(sql`update ab_lift_snapshots set at = at - interval '2 minutes' where test_id = ${id}`);
  const now = Date.now() + 120_000;
  vi.spyOn(Date, 'now').mockReturnValue(now);
}

afterEach(() => vi.restoreAllMocks());

describe('A/B lift snapshot round (ab queue, lift-snapshot-round)', () => {
  it('snapshots every running test nobody reads, once a minute, and never drafts or stopped tests', async () => {
    const running = await newTest('running');
    const draft = await newTest('draft');
    const stopped = await newTest('stopped');
    const stoppedPoints = await listLiftHistory(stopped.id, 100);
    expect(stoppedPoints).toHaveLength(3); // the final snapshot only

    expect(await round()).toMatchObject({ failed: 0 });
    const first = await listLiftHistory(running.id, 100);
    expect(first.map((p) => p.metric).sort()).toEqual(['clicks', 'converted', 'latency_ms']);
    expect(new Set(first.map((p) => p.at.getTime())).size).toBe(1);

    // Idempotent: a second round within the minute writes nothing.
    await round();
    expect(await listLiftHistory(running.id, 100)).toHaveLength(3);

    // A minute later, with more data, the next round adds a point with the new counts.
    await ingestEvents(running.id, { events: events(100, 200, 99) });
    await advanceTwoMinutes([running.id]);
    await round();
    const second = await listLiftHistory(running.id, 100);
    expect(second).toHaveLength(6);
    const converted = second.filter((p) => p.metric === 'converted');
    expect(converted[1].at.getTime()).toBeGreaterThan(converted[0].at.getTime());
    expect(converted[1].n).toBeGreaterThan(converted[0].n);

    // Never for a draft or a stopped test.
    expect(await listLiftHistory(draft.id, 100)).toEqual([]);
    expect(await listLiftHistory(stopped.id, 100)).toEqual(stoppedPoints);
  });

  it('does not duplicate the snapshot a read just wrote', async () => {
    const test = await newTest('running');
    await getResults(test.id); // the read's once-a-minute snapshot
    const read = await listLiftHistory(test.id, 100);
    expect(read).toHaveLength(3);
    await round();
    expect(await listLiftHistory(test.id, 100)).toEqual(read);
  });

  it('adds nothing after the final snapshot of a test stopped without being read', async () => {
    const test = await newTest('running');
    const pm = meta(await testUser('product_manager'));
    await stopTest(pm, test.id);
    const final = await listLiftHistory(test.id, 100);
    await round();
    expect(await listLiftHistory(test.id, 100)).toEqual(final);
  });
});

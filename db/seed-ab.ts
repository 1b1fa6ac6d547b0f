import { eq, sql } from 'drizzle-orm';
import { db } from '@/db/client';
import { abTests } from '@/db/schema/ab';
import { createTest } from '@/server/ab/create-test';
import { loadTest } from '@/server/ab/definition';
import { analyzeDefinition } from '@/server/ab/get-results';
import { ingestEvents } from '@/server/ab/ingest-events';
import { recordFinalLiftSnapshot } from '@/server/ab/lift-history';
import { createTestSchema } from '@/server/ab/schemas';
import { startTest } from '@/server/ab/start-test';
import { syntheticEvents } from '@/server/ab/synthetic-events';
import type { RequestMeta } from '@/server/auth/actor';
import { type SeedAbTest, demoAbTests } from './seed-data';

const HOUR = 3_600_000;

/**
 * Demo A/B tests, through the A/B services (create, start, ingest): the events are synthetic, drawn per
 * unit for the variant the real assignment gives it. A running test replays its history in chunks, one
 * lift snapshot per chunk spread over `days`, so the lift-over-time chart has a story to tell.
 */
async function seedAbTest(meta: RequestMeta, spec: SeedAbTest) {
  const { plan, ...body } = spec;
  const created = await createTest(meta, createTestSchema.parse(body));
  if (!plan) return created.id;
  await startTest(meta, created.id);
  const def = await loadTest(db, created.id);
  const chunk = Math.ceil(plan.units / plan.snapshots);
  const started = Date.now() - plan.days * 24 * HOUR;
  for (let k = 0; k < plan.snapshots; k++) {
    const events = syntheticEvents(def, { units: Math.min(chunk, plan.units - k * chunk), from: k * chunk, prefix: `${spec.unitPrefix}-`, seed: 1000 + k, eventsFor: plan.eventsFor, keep: plan.keep });
    for (let i = 0; i < events.length; i += 10_000) await ingestEvents(created.id, { events: events.slice(i, i + 10_000), idempotencyKey: `demo-seed-${k}-${i}` });
    const at = new Date(started + ((k + 1) / plan.snapshots) * plan.days * 24 * HOUR - HOUR / 2);
    await recordFinalLiftSnapshot(db, created.id, await analyzeDefinition(db, def), at);
  }
  // The test "started" `days` ago, like the registry's backdated timeline (db/seed.ts).
  await db
    .update(abTests)
    .set({ createdAt: new Date(started - 2 * HOUR), startedAt: new Date(started), updatedAt: new Date(started) })
    .where(eq(abTests.id, created.id));
  return created.id;
}

export async function seedAbTests(meta: RequestMeta): Promise<string[]> {
  const created: string[] = [];
  for (const spec of demoAbTests) {
    const [exists] = (await db.execute<{ id: string }>(sql`select id from ab_tests where name = ${spec.name} limit 1`)).rows;
    if (exists) continue;
    await seedAbTest(meta, spec);
    created.push(spec.name);
  }
  return created;
}


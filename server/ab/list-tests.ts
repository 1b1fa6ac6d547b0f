import { asc, count, desc, eq, inArray } from 'drizzle-orm';
import { db } from '@/db/client';
import { abMetrics, abTests, abVariants } from '@/db/schema/ab';
import { definitionOf } from './definition';
import type { ListTestsInput } from './schemas';
import { testView } from './views';

/** Newest first; three queries whatever the page size (tests, their variants, their metrics). */
export async function listTests(input: ListTestsInput) {
  const where = input.status ? eq(abTests.status, input.status) : undefined;
  const [tests, [{ total }]] = await Promise.all([
    db.select().from(abTests).where(where).orderBy(desc(abTests.createdAt), desc(abTests.id)).limit(input.limit).offset(input.offset),
    db.select({ total: count() }).from(abTests).where(where),
  ]);
  if (!tests.length) return { items: [], total };
  const ids = tests.map((t) => t.id);
  const [variants, metrics] = await Promise.all([
    db.select().from(abVariants).where(inArray(abVariants.testId, ids)).orderBy(asc(abVariants.position)),
    db.select().from(abMetrics).where(inArray(abMetrics.testId, ids)).orderBy(asc(abMetrics.position)),
  ]);
  const items = tests.map((t) =>
    testView(
      definitionOf(
        t,
        variants.filter((v) => v.testId === t.id),
        metrics.filter((m) => m.testId === t.id),
      ),
    ),
  );
  return { items, total };
}

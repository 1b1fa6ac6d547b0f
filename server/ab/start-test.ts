import { eq, sql } from 'drizzle-orm';
import { db } from '@/db/client';
import { abTests } from '@/db/schema/ab';
import { recordAudit } from '@/server/audit/service';
import type { RequestMeta } from '@/server/auth/actor';
import { ConflictError } from '@/server/errors';
import { definitionOf, invalidateDefinition, loadTest } from './definition';
import { testView } from './views';

/** draft → running: assignment and ingestion open. Audited. */
export async function startTest(meta: RequestMeta, ref: string) {
  const view = await db.transaction(async (tx) => {
    const def = await loadTest(tx, ref, { lock: true });
    if (def.test.status !== 'draft') throw new ConflictError(`A/B test "${def.test.name}" is already ${def.test.status}; only a draft can be started`, 'status');
    const [test] = await tx.update(abTests).set({ status: 'running', startedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(abTests.id, def.test.id)).returning();
    await recordAudit(tx, meta, { action: 'ab_test.start', targetType: 'ab_test', targetId: test.id, targetLabel: test.name });
    return testView(definitionOf(test, def.variants, def.metrics));
  });
  invalidateDefinition(view.id);
  return view;
}

import { eq, sql } from 'drizzle-orm';
import { db } from '@/db/client';
import { abTests } from '@/db/schema/ab';
import { recordAudit } from '@/server/audit/service';
import type { RequestMeta } from '@/server/auth/actor';
import { ConflictError } from '@/server/errors';
import { definitionOf, invalidateDefinition, loadTest } from './definition';
import { testView } from './views';

/**
 * running → stopped: no more exposures or events (409). Ingestion holds a share lock on the test row for
 * its whole transaction, so once this commits no batch that began before it is still being counted.
 */
export async function stopTest(meta: RequestMeta, ref: string, reason?: string) {
  const view = await db.transaction(async (tx) => {
    const def = await loadTest(tx, ref, { lock: true });
    if (def.test.status !== 'running') throw new ConflictError(`A/B test "${def.test.name}" is ${def.test.status}; only a running test can be stopped`, 'status');
    const [test] = await tx.update(abTests).set({ status: 'stopped', stoppedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(abTests.id, def.test.id)).returning();
    await recordAudit(tx, meta, { action: 'ab_test.stop', targetType: 'ab_test', targetId: test.id, targetLabel: test.name, summary: reason ? { reason } : {} });
    return testView(definitionOf(test, def.variants, def.metrics));
  });
  invalidateDefinition(view.id);
  return view;
}

import { eq, sql } from 'drizzle-orm';
import { db, type Tx } from '@/db/client';
import { abTests } from '@/db/schema/ab';
import { recordAudit } from '@/server/audit/service';
import type { RequestMeta } from '@/server/auth/actor';
import { ConflictError } from '@/server/errors';
import { definitionOf, invalidateDefinition, loadTest, type TestDefinition } from './definition';
import { analyzeDefinition } from './get-results';
import { recordFinalLiftSnapshot } from './lift-history';
import { testView } from './views';

/**
 * running → stopped inside the caller's transaction, which holds the test's row lock (loadTest with
 * `lock`). Ingestion holds a share lock on the row for its whole transaction, so once the lock is ours
 * no batch is still being counted: the final lift snapshot written here is the test's last word.
 */
export async function stopLockedTest(tx: Tx, meta: RequestMeta, def: TestDefinition, reason?: string): Promise<TestDefinition> {
  if (def.test.status !== 'running') throw new ConflictError(`A/B test "${def.test.name}" is ${def.test.status}; only a running test can be stopped`, 'status');
  const [test] = await tx.update(abTests).set({ status: 'stopped', stoppedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(abTests.id, def.test.id)).returning();
  const stopped = definitionOf(test, def.variants, def.metrics);
  await recordFinalLiftSnapshot(tx, test.id, await analyzeDefinition(tx, stopped));
  await recordAudit(tx, meta, { action: 'ab_test.stop', targetType: 'ab_test', targetId: test.id, targetLabel: test.name, summary: reason ? { reason } : {} });
  return stopped;
}

/** running → stopped: no more exposures or events (409). Records the final lift snapshot. Audited. */
export async function stopTest(meta: RequestMeta, ref: string, reason?: string) {
  const view = await db.transaction(async (tx) => testView(await stopLockedTest(tx, meta, await loadTest(tx, ref, { lock: true }), reason)));
  invalidateDefinition(view.id);
  return view;
}

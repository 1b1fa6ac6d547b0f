import { eq, sql } from 'drizzle-orm';
import { db } from '@/db/client';
import { abTests } from '@/db/schema/ab';
import { recordAudit } from '@/server/audit/service';
import { hasAccess } from '@/server/auth/access';
import type { RequestMeta } from '@/server/auth/actor';
import { ConflictError } from '@/server/errors';
import { requestPromotionInTx } from '@/server/registry/approvals';
import { announceAliasMove } from '@/server/registry/alias-events';
import { promoteVersionInTx } from '@/server/registry/promotion';
import { definitionOf, invalidateDefinition, loadTest } from './definition';
import { analyzeDefinition } from './get-results';
import { stopLockedTest } from './stop-test';
import { testView } from './views';

/**
 * Accepts a `ship` recommendation: the winning variant's version goes to production through the
 * registry's own services, in ONE transaction with the decision and its audit event.
 * - A caller who may promote to production (admins) moves the production alias now.
 * - Anyone else allowed to manage tests asks for it: a registry approval that an admin decides.
 * A running test is stopped first (final lift snapshot). Refused with 409 when the recommendation, read
 * under the test's row lock, is not `ship`, or when the test was already shipped.
 */
export async function shipTest(meta: RequestMeta, ref: string, reason?: string) {
  const result = await db.transaction(async (tx) => {
    let def = await loadTest(tx, ref, { lock: true });
    const name = def.test.name;
    if (def.test.shippedAt) {
      throw new ConflictError(`A/B test "${name}" already shipped variant "${def.test.shippedVariant}"`, 'status');
    }
    if (def.test.status === 'draft') throw new ConflictError(`A/B test "${name}" has not started; there is nothing to ship`, 'status');
    const { recommendation } = await analyzeDefinition(tx, def);
    if (recommendation.action !== 'ship' || !recommendation.variant) {
      throw new ConflictError(`A/B test "${name}" cannot ship: the recommendation is "${recommendation.action}", not "ship" (${recommendation.reason})`, 'recommendation');
    }
    const variant = def.variants.find((v) => v.key === recommendation.variant)!;
    if (def.test.status === 'running') def = await stopLockedTest(tx, meta, def, `shipping variant "${variant.key}"`);
    const why = reason || `A/B test "${name}": ${recommendation.reason}`;

    let approvalId: string | null = null;
    const promoteNow = hasAccess(meta.actor.role, 'registry:promote-production');
    if (promoteNow) await promoteVersionInTx(tx, meta, def.test.familyId, variant.version, { stage: 'production', reason: why });
    else approvalId = (await requestPromotionInTx(tx, meta, def.test.familyId, { toVersion: variant.version, reason: why })).id;
    const outcome = promoteNow ? ('promoted' as const) : ('approval_requested' as const);

    const [test] = await tx
      .update(abTests)
      .set({
        shippedVariant: variant.key,
        shippedVersionId: variant.versionId,
        shipOutcome: outcome,
        shipApprovalId: approvalId,
        shippedById: meta.actor.id,
        shippedByLabel: meta.actor.label,
        shippedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(eq(abTests.id, def.test.id))
      .returning();
    await recordAudit(tx, meta, {
      action: 'ab_test.ship',
      targetType: 'ab_test',
      targetId: test.id,
      targetLabel: test.name,
      summary: { variant: variant.key, version: variant.version, outcome, approvalId, recommendation: recommendation.reason, reason: reason ?? null },
    });
    return testView(definitionOf(test, def.variants, def.metrics));
  });
  invalidateDefinition(result.id);
  // After commit, like the registry's own promotion: deployments follow the new production version.
  const decision = result.decision;
  if (decision?.outcome === 'promoted' && decision.version) await announceAliasMove({ familyId: result.modelId, stage: 'production', version: decision.version, reason: `shipped by A/B test "${result.name}"` });
  return result;
}

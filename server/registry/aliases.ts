import { and, eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { modelFamilies, modelVersions } from '@/db/schema/registry';
import type { RequestMeta } from '@/server/auth/actor';
import { recordHistory } from './history';
import type { FamilyRow, VersionRow } from './refs';

export type AliasStage = 'staging' | 'production';

/**
 * Moves a family's staging or production alias to `target` inside the caller's transaction (which must
 * hold the family row lock). The previous holder drops back to `registered` first, so the partial
 * unique index never sees two holders. Returns the previous holder.
 */
export async function moveAlias(
  tx: Tx,
  meta: RequestMeta,
  family: FamilyRow,
  target: VersionRow,
  stage: AliasStage,
  event: { kind: 'promoted' | 'rolled_back'; reason?: string | null; details?: Record<string, unknown> },
): Promise<VersionRow | null> {
  const [previous] = await tx
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.familyId, family.id), eq(modelVersions.status, stage)))
    .limit(1);
  if (previous) {
    await tx.update(modelVersions).set({ status: 'registered' }).where(eq(modelVersions.id, previous.id));
    if (event.kind === 'promoted') {
      await recordHistory(tx, meta, { familyId: family.id, kind: 'demoted', versionId: previous.id, stage, reason: `replaced by ${target.version}`, details: { replacedBy: target.version } });
    }
  }
  if (target.status === 'staging' && stage === 'production') {
    // Leaving staging for production clears the staging alias; say so in the timeline.
    await recordHistory(tx, meta, { familyId: family.id, kind: 'demoted', versionId: target.id, stage: 'staging', reason: 'promoted to production' });
  }
  await tx.update(modelVersions).set({ status: stage }).where(eq(modelVersions.id, target.id));
  await tx.update(modelFamilies).set({ updatedAt: new Date() }).where(eq(modelFamilies.id, family.id));
  await recordHistory(tx, meta, {
    familyId: family.id,
    kind: event.kind,
    versionId: target.id,
    previousVersionId: previous?.id ?? null,
    stage,
    reason: event.reason ?? null,
    details: { from: previous?.version ?? null, to: target.version, ...event.details },
  });
  return previous ?? null;
}

import { eq } from 'drizzle-orm';
import { db, type Tx } from '@/db/client';
import { modelVersions } from '@/db/schema/registry';
import { recordAudit } from '@/server/audit/service';
import { assertAccess } from '@/server/auth/access';
import type { RequestMeta } from '@/server/auth/actor';
import { ConflictError, ValidationError } from '@/server/errors';
import { moveAlias } from './aliases';
import { announceAliasMove } from './alias-events';
import { recordHistory } from './history';
import { resolveFamily, resolveVersion } from './refs';
import type { PromoteInput } from './schemas';
import { selectVersions } from './views';

/** Promotes a version to staging or production (production needs `registry:promote-production`). */
export async function promoteVersion(meta: RequestMeta, familyRef: string, version: string, input: PromoteInput) {
  if (input.stage === 'production') assertAccess(meta.actor, 'registry:promote-production');
  const view = await db.transaction((tx) => promoteVersionInTx(tx, meta, familyRef, version, input));
  await announceAliasMove({ familyId: view.familyId, stage: input.stage, version: view.version, reason: input.reason });
  return view;
}

/**
 * promoteVersion inside the caller's transaction, for another domain's decision that must land with the
 * promotion or not at all (an A/B test's accepted `ship`). Checks the same access. The caller announces the
 * move after its commit (`announceAliasMove`), so deployments follow it.
 */
export async function promoteVersionInTx(tx: Tx, meta: RequestMeta, familyRef: string, version: string, input: PromoteInput) {
  if (input.stage === 'production') assertAccess(meta.actor, 'registry:promote-production');
  const family = await resolveFamily(tx, familyRef, { lock: true });
  const target = await resolveVersion(tx, family, version);
  if (target.status === 'archived') throw new ValidationError(`Version ${target.version} is archived and cannot be promoted`, 'version');
  if (target.status === input.stage) throw new ConflictError(`Version ${target.version} is already the ${input.stage} version of "${family.slug}"`, 'stage');
  if (target.status === 'production') throw new ValidationError(`Version ${target.version} is in production; promote another version to production first`, 'stage');
  const previous = await moveAlias(tx, meta, family, target, input.stage, { kind: 'promoted', reason: input.reason });
  await recordAudit(tx, meta, {
    action: `registry.version.promote`,
    targetType: 'model_version',
    targetId: target.id,
    targetLabel: `${family.slug}@${target.version}`,
    summary: { stage: input.stage, previous: previous?.version ?? null, reason: input.reason ?? null },
  });
  const [view] = await selectVersions(tx).where(eq(modelVersions.id, target.id));
  return view;
}

/** Archives a version. Versions holding an alias must lose it first, so nothing serves an archived model. */
export async function archiveVersion(meta: RequestMeta, familyRef: string, version: string, reason?: string) {
  return db.transaction(async (tx) => {
    const family = await resolveFamily(tx, familyRef, { lock: true });
    const target = await resolveVersion(tx, family, version);
    if (target.status === 'archived') throw new ConflictError(`Version ${target.version} is already archived`, 'version');
    if (target.status === 'production' || target.status === 'staging') {
      throw new ConflictError(`Version ${target.version} is the ${target.status} version; move the alias to another version before archiving it`, 'version');
    }
    await tx.update(modelVersions).set({ status: 'archived' }).where(eq(modelVersions.id, target.id));
    await recordHistory(tx, meta, { familyId: family.id, kind: 'archived', versionId: target.id, reason: reason ?? null });
    await recordAudit(tx, meta, { action: 'registry.version.archive', targetType: 'model_version', targetId: target.id, targetLabel: `${family.slug}@${target.version}`, summary: { reason: reason ?? null } });
    const [view] = await selectVersions(tx).where(eq(modelVersions.id, target.id));
    return view;
  });
}

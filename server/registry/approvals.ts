import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import semver from 'semver';
import { db, type DbOrTx, type Tx } from '@/db/client';
import { approvals, type ApprovalStatus, modelFamilies, modelVersions } from '@/db/schema/registry';
import { recordAudit } from '@/server/audit/service';
import { assertAccess } from '@/server/auth/access';
import type { RequestMeta } from '@/server/auth/actor';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, uniqueViolation } from '@/server/errors';
import { moveAlias } from './aliases';
import { announceAliasMove } from './alias-events';
import { recordHistory } from './history';
import { resolveFamily, resolveVersion } from './refs';
import type { RollbackRequestInput } from './schemas';

const fromVersion = alias(modelVersions, 'approval_from');
const toVersion = alias(modelVersions, 'approval_to');

const approvalColumns = {
  id: approvals.id,
  kind: approvals.kind,
  status: approvals.status,
  familyId: approvals.familyId,
  model: modelFamilies.slug,
  modelName: modelFamilies.displayName,
  fromVersion: fromVersion.version,
  toVersion: toVersion.version,
  reason: approvals.reason,
  requestedById: approvals.requestedById,
  requestedBy: approvals.requestedByLabel,
  decidedBy: approvals.decidedByLabel,
  decisionReason: approvals.decisionReason,
  createdAt: approvals.createdAt,
  decidedAt: approvals.decidedAt,
};

function selectApprovals(tx: DbOrTx) {
  return tx
    .select(approvalColumns)
    .from(approvals)
    .innerJoin(modelFamilies, eq(modelFamilies.id, approvals.familyId))
    .leftJoin(fromVersion, eq(fromVersion.id, approvals.fromVersionId))
    .innerJoin(toVersion, eq(toVersion.id, approvals.toVersionId));
}

export type ApprovalView = Awaited<ReturnType<ReturnType<typeof selectApprovals>['execute']>>[number];

async function approvalView(tx: DbOrTx, id: string): Promise<ApprovalView> {
  const [row] = await selectApprovals(tx).where(eq(approvals.id, id));
  return row;
}

/** Asks for the production alias to go back to an earlier version; an admin other than the requester decides. */
export async function requestRollback(meta: RequestMeta, familyRef: string, input: RollbackRequestInput) {
  assertAccess(meta.actor, 'registry:rollback-request');
  try {
    return await db.transaction(async (tx) => {
      const family = await resolveFamily(tx, familyRef, { lock: true });
      const target = await resolveVersion(tx, family, input.toVersion, 'toVersion');
      const [current] = await tx.select().from(modelVersions).where(and(eq(modelVersions.familyId, family.id), eq(modelVersions.status, 'production'))).limit(1);
      if (!current) throw new ConflictError(`Model "${family.slug}" has no production version to roll back`, 'toVersion');
      if (target.id === current.id) throw new ValidationError(`Version ${target.version} is already the production version`, 'toVersion');
      if (target.status === 'archived') throw new ValidationError(`Version ${target.version} is archived; roll back to a non-archived version`, 'toVersion');
      if (semver.gte(target.version, current.version)) {
        throw new ValidationError(`A rollback goes to an earlier version than production ${current.version}; ${target.version} is not earlier (promote it instead)`, 'toVersion');
      }
      const [row] = await tx
        .insert(approvals)
        .values({
          kind: 'rollback',
          familyId: family.id,
          fromVersionId: current.id,
          toVersionId: target.id,
          reason: input.reason,
          requestedById: meta.actor.id ?? meta.actor.label,
          requestedByLabel: meta.actor.label,
        })
        .returning({ id: approvals.id });
      await recordHistory(tx, meta, { familyId: family.id, kind: 'rollback_requested', versionId: target.id, previousVersionId: current.id, stage: 'production', reason: input.reason, details: { approvalId: row.id, from: current.version, to: target.version } });
      await recordAudit(tx, meta, { action: 'registry.rollback.request', targetType: 'approval', targetId: row.id, targetLabel: `${family.slug} ${current.version} → ${target.version}`, summary: { reason: input.reason } });
      return approvalView(tx, row.id);
    });
  } catch (error) {
    if (uniqueViolation(error)) throw new ConflictError(`A rollback request for "${familyRef}" is already pending; approve or reject it first`, 'toVersion');
    throw error;
  }
}

/**
 * Asks for `toVersion` to become the production version, inside the caller's transaction (an A/B test's
 * accepted `ship` records its decision in the same one); an admin other than the requester approves.
 */
export async function requestPromotionInTx(tx: Tx, meta: RequestMeta, familyRef: string, input: { toVersion: string; reason: string }) {
  assertAccess(meta.actor, 'registry:promotion-request');
  const family = await resolveFamily(tx, familyRef, { lock: true });
  const target = await resolveVersion(tx, family, input.toVersion, 'toVersion');
  if (target.status === 'production') throw new ConflictError(`Version ${target.version} is already the production version of "${family.slug}"`, 'toVersion');
  if (target.status === 'archived') throw new ValidationError(`Version ${target.version} is archived and cannot be promoted`, 'toVersion');
  const [pending] = await tx
    .select({ id: approvals.id })
    .from(approvals)
    .where(and(eq(approvals.familyId, family.id), eq(approvals.kind, 'promotion'), eq(approvals.status, 'pending')))
    .limit(1);
  if (pending) throw new ConflictError(`A production promotion request for "${family.slug}" is already pending (approval ${pending.id}); an admin must decide it first`, 'toVersion');
  const [current] = await tx.select().from(modelVersions).where(and(eq(modelVersions.familyId, family.id), eq(modelVersions.status, 'production'))).limit(1);
  const [row] = await tx
    .insert(approvals)
    .values({
      kind: 'promotion',
      familyId: family.id,
      fromVersionId: current?.id ?? null,
      toVersionId: target.id,
      reason: input.reason,
      requestedById: meta.actor.id ?? meta.actor.label,
      requestedByLabel: meta.actor.label,
    })
    .returning({ id: approvals.id });
  await recordHistory(tx, meta, { familyId: family.id, kind: 'promotion_requested', versionId: target.id, previousVersionId: current?.id ?? null, stage: 'production', reason: input.reason, details: { approvalId: row.id, from: current?.version ?? null, to: target.version } });
  await recordAudit(tx, meta, { action: 'registry.promotion.request', targetType: 'approval', targetId: row.id, targetLabel: `${family.slug} ${current?.version ?? '—'} → ${target.version}`, summary: { reason: input.reason } });
  return approvalView(tx, row.id);
}

export function listApprovals(input: { status?: ApprovalStatus; limit: number }) {
  return selectApprovals(db)
    .where(input.status ? eq(approvals.status, input.status) : undefined)
    .orderBy(desc(approvals.createdAt))
    .limit(input.limit);
}

export async function getApproval(id: string) {
  const row = await approvalView(db, id);
  if (!row) throw new NotFoundError(`Approval ${id} not found`, 'id');
  return row;
}

async function lockPending(tx: DbOrTx, id: string) {
  const [row] = await tx.select().from(approvals).where(eq(approvals.id, id)).for('update');
  if (!row) throw new NotFoundError(`Approval ${id} not found`, 'id');
  if (row.status !== 'pending') throw new ConflictError(`Approval ${id} is already ${row.status}`, 'id');
  return row;
}

/** Four eyes: an admin who did not ask approves; the production alias moves in the same transaction. */
export async function approveApproval(meta: RequestMeta, id: string, decisionReason?: string) {
  assertAccess(meta.actor, 'approvals:decide');
  const decided = await db.transaction(async (tx) => {
    const approval = await lockPending(tx, id);
    if (approval.requestedById === (meta.actor.id ?? meta.actor.label)) {
      throw new ForbiddenError(`You requested this ${approval.kind}; another admin must approve it`, 'id');
    }
    const [familyRow] = await tx.select({ slug: modelFamilies.slug }).from(modelFamilies).where(eq(modelFamilies.id, approval.familyId));
    const family = await resolveFamily(tx, familyRow.slug, { lock: true });
    const [target] = await tx.select().from(modelVersions).where(eq(modelVersions.id, approval.toVersionId));
    if (target.status === 'archived') throw new ConflictError(`Version ${target.version} was archived after the request; reject it instead`, 'id');
    if (target.status === 'production') throw new ConflictError(`Version ${target.version} is already in production`, 'id');
    const previous = await moveAlias(tx, meta, family, target, 'production', {
      kind: approval.kind === 'promotion' ? 'promoted' : 'rolled_back',
      reason: approval.reason,
      details: { approvalId: approval.id, requestedBy: approval.requestedByLabel, approvedBy: meta.actor.label, decisionReason: decisionReason ?? null },
    });
    await tx
      .update(approvals)
      .set({ status: 'approved', decidedById: meta.actor.id ?? meta.actor.label, decidedByLabel: meta.actor.label, decisionReason: decisionReason ?? null, decidedAt: new Date() })
      .where(eq(approvals.id, id));
    await recordAudit(tx, meta, {
      action: `registry.${approval.kind}.approve`,
      targetType: 'approval',
      targetId: id,
      targetLabel: `${family.slug} ${previous?.version ?? '—'} → ${target.version}`,
      summary: { requestedBy: approval.requestedByLabel, reason: approval.reason, decisionReason: decisionReason ?? null, from: previous?.version ?? null, to: target.version },
    });
    return approvalView(tx, id);
  });
  await announceAliasMove({ familyId: decided.familyId, stage: 'production', version: decided.toVersion, reason: `approved ${decided.kind}: ${decided.reason}` });
  return decided;
}

export async function rejectApproval(meta: RequestMeta, id: string, decisionReason?: string) {
  assertAccess(meta.actor, 'approvals:decide');
  return db.transaction(async (tx) => {
    const approval = await lockPending(tx, id);
    await tx
      .update(approvals)
      .set({ status: 'rejected', decidedById: meta.actor.id ?? meta.actor.label, decidedByLabel: meta.actor.label, decisionReason: decisionReason ?? null, decidedAt: new Date() })
      .where(eq(approvals.id, id));
    await recordHistory(tx, meta, { familyId: approval.familyId, kind: approval.kind === 'promotion' ? 'promotion_rejected' : 'rollback_rejected', versionId: approval.toVersionId, previousVersionId: approval.fromVersionId, stage: 'production', reason: decisionReason ?? null, details: { approvalId: id, requestedBy: approval.requestedByLabel } });
    await recordAudit(tx, meta, { action: `registry.${approval.kind}.reject`, targetType: 'approval', targetId: id, summary: { requestedBy: approval.requestedByLabel, decisionReason: decisionReason ?? null } });
    return approvalView(tx, id);
  });
}

/** Pending requests older than the limit expire (run by the maintenance worker); returns how many. */
export async function expireStaleApprovals(meta: RequestMeta, olderThanHours: number): Promise<number> {
  return db.transaction(async (tx) => {
    const expired = await tx
      .update(approvals)
      .set({ status: 'expired', decidedAt: new Date(), decidedByLabel: meta.actor.label, decisionReason: `no decision within ${olderThanHours} h` })
      .where(and(eq(approvals.status, 'pending'), lt(approvals.createdAt, sql`now() - make_interval(hours => ${olderThanHours})`)))
      .returning({ id: approvals.id, familyId: approvals.familyId });
    for (const row of expired) {
      await recordAudit(tx, meta, { action: 'registry.rollback.expire', targetType: 'approval', targetId: row.id, summary: { olderThanHours } });
    }
    return expired.length;
  });
}

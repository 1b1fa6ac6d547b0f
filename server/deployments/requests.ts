import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { db, type DbOrTx } from '@/db/client';
import { deploymentRequests } from '@/db/schema/deployments';
import { recordAudit } from '@/server/audit/service';
import { assertAccess } from '@/server/auth/access';
import type { RequestMeta } from '@/server/auth/actor';
import { ConflictError, ForbiddenError, NotFoundError, uniqueViolation, ValidationError } from '@/server/errors';
import { deployModel, prepareDeploy } from './deploy';
import { deploySchema, type DeploymentRequestInput, type ListDeploymentRequestsInput } from './schemas';

/**
 * Production deploys need an admin or an admin's approval, like the registry's production promotion:
 * someone who may deploy but not to production (an ML engineer) asks; an admin other than the
 * requester approves, which deploys exactly what was asked (the version is pinned at request time).
 */

const requestColumns = {
  id: deploymentRequests.id,
  status: deploymentRequests.status,
  familyId: deploymentRequests.familyId,
  model: deploymentRequests.familySlug,
  environment: deploymentRequests.environment,
  version: deploymentRequests.version,
  input: deploymentRequests.input,
  reason: deploymentRequests.reason,
  requestedById: deploymentRequests.requestedById,
  requestedBy: deploymentRequests.requestedByLabel,
  decidedBy: deploymentRequests.decidedByLabel,
  decisionReason: deploymentRequests.decisionReason,
  deploymentId: deploymentRequests.deploymentId,
  createdAt: deploymentRequests.createdAt,
  decidedAt: deploymentRequests.decidedAt,
};

async function requestView(tx: DbOrTx, id: string) {
  const [row] = await tx.select(requestColumns).from(deploymentRequests).where(eq(deploymentRequests.id, id));
  return row;
}
export type DeploymentRequestView = Awaited<ReturnType<typeof requestView>>;

/** Asks for a production deploy; nothing reaches the cluster until an admin approves. */
export async function requestProductionDeploy(meta: RequestMeta, familyRef: string, body: DeploymentRequestInput) {
  assertAccess(meta.actor, 'deployments:write');
  const { reason, ...input } = body;
  if (input.environment !== 'production') throw new ValidationError('only production deploys need an approval; deploy to staging directly', 'environment');
  // Checked like a deploy now (nothing is applied); the approval deploys this pinned version.
  const { family, version } = await prepareDeploy(familyRef, input);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(deploymentRequests)
        .values({
          familyId: family.id,
          familySlug: family.slug,
          environment: input.environment,
          version: version.version,
          input: { ...input, version: version.version },
          reason,
          requestedById: meta.actor.id ?? meta.actor.label,
          requestedByLabel: meta.actor.label,
        })
        .returning({ id: deploymentRequests.id });
      await recordAudit(tx, meta, {
        action: 'deployments.production.request',
        targetType: 'deployment_request',
        targetId: row.id,
        targetLabel: `${family.slug} ${version.version} (production)`,
        summary: { reason, version: version.version, replicas: input.replicas ?? null, resources: input.resources },
      });
      return requestView(tx, row.id);
    });
  } catch (error) {
    if (uniqueViolation(error)) throw new ConflictError(`A production deploy request for "${family.slug}" is already pending; an admin must decide it first`, 'environment');
    throw error;
  }
}

export function listDeploymentRequests(meta: RequestMeta, input: ListDeploymentRequestsInput) {
  assertAccess(meta.actor, 'approvals:read');
  return db
    .select(requestColumns)
    .from(deploymentRequests)
    .where(input.status ? eq(deploymentRequests.status, input.status) : undefined)
    .orderBy(desc(deploymentRequests.createdAt))
    .limit(input.limit);
}

async function lockPending(tx: DbOrTx, id: string) {
  const [row] = await tx.select().from(deploymentRequests).where(eq(deploymentRequests.id, id)).for('update');
  if (!row) throw new NotFoundError(`Deployment request ${id} not found`, 'id');
  if (row.status !== 'pending') throw new ConflictError(`Deployment request ${id} is already ${row.status}`, 'id');
  return row;
}

/**
 * Four eyes: an admin who did not ask approves, and the deploy runs as that admin. The request stays
 * locked (and pending) while it deploys, so a refused deploy (the version was archived since, the GPUs
 * no longer fit) leaves it pending and nothing changed; a second approver waits and then finds it decided.
 */
export async function approveDeploymentRequest(meta: RequestMeta, id: string, decisionReason?: string) {
  assertAccess(meta.actor, 'approvals:decide');
  assertAccess(meta.actor, 'deployments:production');
  return db.transaction(async (tx) => {
    const request = await lockPending(tx, id);
    if (request.requestedById === (meta.actor.id ?? meta.actor.label)) {
      throw new ForbiddenError('You requested this production deploy; another admin must approve it', 'id');
    }
    const deployed = await deployModel(meta, request.familyId, deploySchema.parse(request.input));
    await tx
      .update(deploymentRequests)
      .set({ status: 'approved', decidedById: meta.actor.id ?? meta.actor.label, decidedByLabel: meta.actor.label, decisionReason: decisionReason ?? null, decidedAt: new Date(), deploymentId: deployed.id })
      .where(eq(deploymentRequests.id, id));
    await recordAudit(tx, meta, {
      action: 'deployments.production.approve',
      targetType: 'deployment_request',
      targetId: id,
      targetLabel: `${request.familySlug} ${request.version} (production)`,
      summary: { requestedBy: request.requestedByLabel, reason: request.reason, decisionReason: decisionReason ?? null, deploymentId: deployed.id },
    });
    return requestView(tx, id);
  });
}

export async function rejectDeploymentRequest(meta: RequestMeta, id: string, decisionReason?: string) {
  assertAccess(meta.actor, 'approvals:decide');
  return db.transaction(async (tx) => {
    const request = await lockPending(tx, id);
    await tx
      .update(deploymentRequests)
      .set({ status: 'rejected', decidedById: meta.actor.id ?? meta.actor.label, decidedByLabel: meta.actor.label, decisionReason: decisionReason ?? null, decidedAt: new Date() })
      .where(eq(deploymentRequests.id, id));
    await recordAudit(tx, meta, {
      action: 'deployments.production.reject',
      targetType: 'deployment_request',
      targetId: id,
      targetLabel: `${request.familySlug} ${request.version} (production)`,
      summary: { requestedBy: request.requestedByLabel, decisionReason: decisionReason ?? null },
    });
    return requestView(tx, id);
  });
}

/** Pending production deploy requests older than the limit expire, like registry approvals (maintenance worker). */
export async function expireStaleDeploymentRequests(meta: RequestMeta, olderThanHours: number): Promise<number> {
  return db.transaction(async (tx) => {
    const expired = await tx
      .update(deploymentRequests)
      .set({ status: 'expired', decidedAt: new Date(), decidedByLabel: meta.actor.label, decisionReason: `no decision within ${olderThanHours} h` })
      .where(and(eq(deploymentRequests.status, 'pending'), lt(deploymentRequests.createdAt, sql`now() - make_interval(hours => ${olderThanHours})`)))
      .returning({ id: deploymentRequests.id });
    for (const row of expired) {
      await recordAudit(tx, meta, { action: 'deployments.production.expire', targetType: 'deployment_request', targetId: row.id, summary: { olderThanHours } });
    }
    return expired.length;
  });
}

import { eq } from 'drizzle-orm';
import { db } from '@/db/client';
import { type DeploymentSpec, deployments } from '@/db/schema/deployments';
import { recordAudit } from '@/server/audit/service';
import type { RequestMeta } from '@/server/auth/actor';
import { getCluster } from '@/server/cluster';
import { moveAlias } from '@/server/registry/aliases';
import { recordHistory } from '@/server/registry/history';
import { resolveFamily, resolveVersion } from '@/server/registry/refs';
import { logger } from '@/server/logger';
import { applyManifests, buildManifests, modelPathOf } from './manifests';
import { findLive, recordAction, targetOf } from './store';

/*
 * Changes the system makes on its own: rollout restarts and automatic rollbacks (health monitor) and
 * redeploys after the registry moved the production alias. Each is one transaction with its action,
 * audit event and (for version changes) registry history; the cluster apply comes last.
 */

const label = (row: { familySlug: string; environment: string }) => `${row.familySlug} (${row.environment})`;

/** `kubectl rollout restart`: a new pod template annotation, so every pod is replaced in a rolling update. */
export async function restartDeployment(meta: RequestMeta, id: string, reason: string, opts: { automatic: boolean }) {
  const cluster = await getCluster();
  return db.transaction(async (tx) => {
    const [locked] = await tx.select().from(deployments).where(eq(deployments.id, id)).for('update');
    if (!locked || locked.status !== 'active') return null;
    const spec: DeploymentSpec = { ...locked.spec, restartedAt: new Date().toISOString() };
    await tx.update(deployments).set({ spec, consecutiveFailures: 0, updatedAt: new Date() }).where(eq(deployments.id, id));
    await recordAction(tx, id, { kind: 'restarted', actorLabel: meta.actor.label, automatic: opts.automatic, severity: opts.automatic ? 'warning' : 'info', message: `rollout restart: ${reason}`, details: { reason } });
    await recordAudit(tx, meta, { action: opts.automatic ? 'deployments.restart.automatic' : 'deployments.restart', targetType: 'deployment', targetId: id, targetLabel: label(locked), summary: { reason, version: locked.version } });
    await applyManifests(cluster, buildManifests(targetOf(locked), spec));
    return spec.restartedAt;
  });
}

/**
 * Automatic rollback of a version that turned unhealthy soon after it rolled out: the spec served
 * before comes back, the registry history records an automatic rollback (moving the production alias
 * back too when the bad version held it), and the page shows an alert.
 */
export async function rollbackDeployment(meta: RequestMeta, id: string, reason: string) {
  const cluster = await getCluster();
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(deployments).where(eq(deployments.id, id)).for('update');
    if (!row || row.status !== 'active' || !row.previousSpec) return null;
    const spec: DeploymentSpec = { ...row.previousSpec, restartedAt: row.spec.restartedAt };
    await tx
      .update(deployments)
      .set({ spec, version: spec.version, versionId: spec.versionId, previousSpec: null, rolloutStartedAt: new Date(), consecutiveFailures: 0, health: 'unknown', healthReason: `rolled back to ${spec.version}`, updatedAt: new Date() })
      .where(eq(deployments.id, id));
    const message = `automatic rollback ${row.version} → ${spec.version}: ${reason}`;
    await recordAction(tx, id, { kind: 'rolled_back', actorLabel: meta.actor.label, automatic: true, severity: 'alert', message, details: { from: row.version, to: spec.version, reason } });

    const family = await resolveFamily(tx, row.familyId, { lock: true });
    const bad = await resolveVersion(tx, family, row.version);
    const good = await resolveVersion(tx, family, spec.version);
    const details = { automatic: true, environment: row.environment, deploymentId: id, from: row.version, to: spec.version };
    if (row.environment === 'production' && bad.status === 'production' && good.status !== 'archived') {
      // The registry would otherwise name a version as production that no longer serves it.
      await moveAlias(tx, meta, family, good, 'production', { kind: 'rolled_back', reason: message, details });
    } else {
      await recordHistory(tx, meta, { familyId: family.id, kind: 'rolled_back', versionId: good.id, previousVersionId: bad.id, stage: row.environment, reason: message, details });
    }
    await recordAudit(tx, meta, { action: 'deployments.rollback.automatic', targetType: 'deployment', targetId: id, targetLabel: label(row), summary: { from: row.version, to: spec.version, reason } });
    await applyManifests(cluster, buildManifests(targetOf(row), spec));
    return { from: row.version, to: spec.version };
  });
}

/**
 * The registry moved a family's production alias (promotion or approved rollback): a production
 * deployment of that family, if there is one, rolls to the new version.
 */
export async function redeployForAlias(meta: RequestMeta, input: { familyId: string; stage: 'staging' | 'production'; version: string; reason?: string }) {
  if (input.stage !== 'production') return { redeployed: false as const, why: 'only production follows its alias' };
  // Most alias moves concern models not deployed to production: answer those without the cluster.
  if (!(await findLive(db, input.familyId, 'production'))) return { redeployed: false as const, why: 'not deployed to production' };
  const cluster = await getCluster();
  return db.transaction(async (tx) => {
    const row = await findLive(tx, input.familyId, 'production', { lock: true });
    if (!row || row.status !== 'active') return { redeployed: false as const, why: 'not deployed to production' };
    if (row.version === input.version) return { redeployed: false as const, why: `already serving ${input.version}` };
    const family = await resolveFamily(tx, input.familyId);
    const version = await resolveVersion(tx, family, input.version);
    if (version.status === 'archived') return { redeployed: false as const, why: `${input.version} is archived` };
    const spec: DeploymentSpec = { ...row.spec, version: version.version, versionId: version.id, modelPath: modelPathOf(family.slug, version.version, version.artifactUri) };
    await tx
      .update(deployments)
      .set({ spec, version: spec.version, versionId: version.id, previousSpec: row.spec, rolloutStartedAt: new Date(), consecutiveFailures: 0, health: 'unknown', healthReason: `rolling out ${spec.version}`, updatedAt: new Date() })
      .where(eq(deployments.id, row.id));
    const message = `registry moved production to ${spec.version}${input.reason ? ` (${input.reason})` : ''}: rolling update ${row.version} → ${spec.version}`;
    await recordAction(tx, row.id, { kind: 'redeployed', actorLabel: meta.actor.label, automatic: true, message, details: { from: row.version, to: spec.version } });
    await recordHistory(tx, meta, { familyId: family.id, kind: 'deployed', versionId: version.id, previousVersionId: row.versionId, stage: 'production', reason: message, details: { environment: 'production', deploymentId: row.id, from: row.version, to: spec.version, automatic: true } });
    await recordAudit(tx, meta, { action: 'deployments.redeploy', targetType: 'deployment', targetId: row.id, targetLabel: label(row), summary: { from: row.version, to: spec.version, reason: input.reason ?? null } });
    await applyManifests(cluster, buildManifests(targetOf(row), spec));
    logger.info({ deployment: row.id, from: row.version, to: spec.version }, 'production redeployed after an alias move');
    return { redeployed: true as const, from: row.version, to: spec.version };
  });
}

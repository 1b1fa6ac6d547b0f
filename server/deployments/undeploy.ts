import { eq } from 'drizzle-orm';
import { db } from '@/db/client';
import type { DeploymentEnvironment } from '@/db/schema/deployments';
import { deployments } from '@/db/schema/deployments';
import { recordAudit } from '@/server/audit/service';
import { assertAccess } from '@/server/auth/access';
import type { RequestMeta } from '@/server/auth/actor';
import { getCluster } from '@/server/cluster';
import { deleteManifests } from './manifests';
import { getById, recordAction, requireLive, targetOf } from './store';

function assertMayUndeploy(meta: RequestMeta, environment: DeploymentEnvironment) {
  assertAccess(meta.actor, 'deployments:write');
  if (environment === 'production') assertAccess(meta.actor, 'deployments:production');
}

/**
 * First half of an undeploy: marks the deployment `undeploying` (committed, so scaling or deploying
 * meanwhile is refused with 409). Returns its id; an undeploy already under way is resumed.
 */
export async function beginUndeploy(meta: RequestMeta, familyRef: string, environment: DeploymentEnvironment): Promise<string> {
  assertMayUndeploy(meta, environment);
  return db.transaction(async (tx) => {
    const row = await requireLive(tx, familyRef, environment, { lock: true });
    if (row.status === 'undeploying') return row.id;
    await tx.update(deployments).set({ status: 'undeploying', updatedAt: new Date() }).where(eq(deployments.id, row.id));
    await recordAction(tx, row.id, { kind: 'undeploying', actorLabel: meta.actor.label, message: 'undeploy started' });
    await recordAudit(tx, meta, { action: 'deployments.undeploy', targetType: 'deployment', targetId: row.id, targetLabel: `${row.familySlug} (${environment})`, summary: { version: row.version } });
    return row.id;
  });
}

/** Second half: deletes every object the deployment created (by name, nothing else) and marks it removed. */
export async function finishUndeploy(meta: RequestMeta, id: string) {
  const row = await getById(id);
  if (row.status === 'removed') return { id, removed: true as const };
  await deleteManifests(await getCluster(), targetOf(row));
  await db.transaction(async (tx) => {
    await tx.update(deployments).set({ status: 'removed', health: 'unknown', healthReason: 'undeployed', updatedAt: new Date() }).where(eq(deployments.id, id));
    await recordAction(tx, id, { kind: 'undeployed', actorLabel: meta.actor.label, message: `removed ${row.familySlug} ${row.version} from ${row.environment}` });
  });
  return { id, removed: true as const };
}

/** `DELETE /deploy/{model_id}?environment=`: removes the Deployment, Service, HPA, ServiceMonitor and PrometheusRule. */
export async function undeployModel(meta: RequestMeta, familyRef: string, environment: DeploymentEnvironment) {
  const id = await beginUndeploy(meta, familyRef, environment);
  const result = await finishUndeploy(meta, id);
  return { ...result, model: (await getById(id)).familySlug, environment };
}

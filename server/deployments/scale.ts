import { eq } from 'drizzle-orm';
import { db } from '@/db/client';
import { deployments } from '@/db/schema/deployments';
import { recordAudit } from '@/server/audit/service';
import { assertAccess } from '@/server/auth/access';
import type { RequestMeta } from '@/server/auth/actor';
import { getCluster } from '@/server/cluster';
import { ValidationError } from '@/server/errors';
import { applyManifests, buildManifests } from './manifests';
import type { ScaleInput } from './schemas';
import { assertNotUndeploying, recordAction, requireLive, targetOf } from './store';
import { describeDeployment } from './status';

/** Sets the replica count (with autoscaling: where the HPA starts, within its bounds). */
export async function scaleDeployment(meta: RequestMeta, familyRef: string, input: ScaleInput) {
  assertAccess(meta.actor, 'deployments:write');
  if (input.environment === 'production') assertAccess(meta.actor, 'deployments:production');
  const cluster = await getCluster();
  const id = await db.transaction(async (tx) => {
    const row = await requireLive(tx, familyRef, input.environment, { lock: true });
    assertNotUndeploying(row);
    const a = row.spec.autoscaling;
    if (a && (input.replicas < a.minReplicas || input.replicas > a.maxReplicas)) {
      throw new ValidationError(`replicas must be between the autoscaling bounds ${a.minReplicas}–${a.maxReplicas}`, 'replicas');
    }
    const spec = { ...row.spec, replicas: input.replicas };
    await tx.update(deployments).set({ spec, updatedAt: new Date() }).where(eq(deployments.id, row.id));
    await recordAction(tx, row.id, { kind: 'scaled', actorLabel: meta.actor.label, message: `scaled from ${row.spec.replicas} to ${input.replicas} replicas`, details: { from: row.spec.replicas, to: input.replicas } });
    await recordAudit(tx, meta, { action: 'deployments.scale', targetType: 'deployment', targetId: row.id, targetLabel: `${row.familySlug} (${row.environment})`, summary: { from: row.spec.replicas, to: input.replicas } });
    await applyManifests(cluster, buildManifests(targetOf(row), spec), { previous: buildManifests(targetOf(row), row.spec) });
    return row.id;
  });
  return describeDeployment(id);
}

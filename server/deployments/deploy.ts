import { eq } from 'drizzle-orm';
import { db } from '@/db/client';
import { type DeploymentSpec, deployments } from '@/db/schema/deployments';
import { recordAudit } from '@/server/audit/service';
import { assertAccess } from '@/server/auth/access';
import type { RequestMeta } from '@/server/auth/actor';
import { getCluster, modelServerName } from '@/server/cluster';
import { ConflictError, uniqueViolation, ValidationError } from '@/server/errors';
import { getFamilyDetail } from '@/server/registry/families';
import { recordHistory } from '@/server/registry/history';
import { resolveFamily, resolveVersion, type VersionRow } from '@/server/registry/refs';
import { DEFAULT_RESTART_AFTER_FAILURES, DEFAULT_ROLLBACK_WINDOW_MINUTES } from './config';
import { applyManifests, assertGpuFits, buildManifests, modelPathOf } from './manifests';
import type { DeployInput } from './schemas';
import { assertNotUndeploying, findLive, recordAction, targetOf } from './store';
import { describeDeployment } from './status';

/** The version to deploy: the one named, else the family's alias for the environment. */
async function pickVersion(family: Awaited<ReturnType<typeof resolveFamily>>, input: DeployInput): Promise<VersionRow> {
  let version: VersionRow;
  if (input.version) {
    version = await resolveVersion(db, family, input.version);
  } else {
    const alias = (await getFamilyDetail(family.id)).aliases[input.environment];
    if (!alias) throw new ValidationError(`Model "${family.slug}" has no ${input.environment} version; name the version to deploy`, 'version');
    version = await resolveVersion(db, family, alias.version);
  }
  if (version.status === 'archived') throw new ValidationError(`Version ${version.version} is archived and cannot be deployed`, 'version');
  return version;
}

/** What a deploy runs: the request with its version resolved. */
function deploymentSpecOf(family: { slug: string }, version: VersionRow, input: DeployInput): DeploymentSpec {
  return {
    version: version.version,
    versionId: version.id,
    modelPath: modelPathOf(family.slug, version.version, version.artifactUri),
    replicas: input.replicas ?? input.autoscaling?.minReplicas ?? 1,
    resources: input.resources,
    autoscaling: input.autoscaling ?? null,
    image: input.image ?? null,
    args: input.args ?? [],
    env: input.env ?? {},
    alerts: input.alerts ?? {},
    restartedAt: null,
  };
}

/**
 * Everything a deploy checks before anything is written: the family, the version (named, or the alias
 * for the environment), a GPU request some node can hold, and manifests that build. A production deploy
 * request is checked by the same function, so what an admin later approves deploys as checked.
 */
export async function prepareDeploy(familyRef: string, input: DeployInput) {
  const family = await resolveFamily(db, familyRef);
  const version = await pickVersion(family, input);
  const cluster = await getCluster();
  await assertGpuFits(cluster, input.resources.gpu);
  const spec = deploymentSpecOf(family, version, input);
  const target = { familySlug: family.slug, environment: input.environment, name: modelServerName(family.slug, input.environment), namespace: cluster.identity.namespace };
  buildManifests(target, spec);
  return { family, version, cluster, spec, target };
}

/**
 * Deploys a version of a model to an environment: records it and applies the Deployment, Service,
 * HPA, ServiceMonitor and PrometheusRule. Deploying another version where one runs is a rolling
 * update. Everything is checked before anything is written; a cluster failure rolls the rows back and
 * puts the cluster objects back as they were (see applyManifests).
 */
export async function deployModel(meta: RequestMeta, familyRef: string, input: DeployInput) {
  assertAccess(meta.actor, 'deployments:write');
  if (input.environment === 'production') {
    assertAccess(meta.actor, 'deployments:production', { field: 'environment', instead: `ask for an admin's approval with POST /api/v1/deploy/${familyRef}/requests` });
  }
  const { family, version, cluster, spec, target } = await prepareDeploy(familyRef, input);

  try {
    const id = await db.transaction(async (tx) => {
      const existing = await findLive(tx, family.id, input.environment, { lock: true });
      if (existing) assertNotUndeploying(existing);
      const versionChanged = !!existing && existing.version !== spec.version;
      if (existing) spec.restartedAt = existing.spec.restartedAt;
      const values = {
        versionId: version.id,
        version: version.version,
        spec,
        restartAfterFailures: input.recovery?.restartAfterFailures ?? existing?.restartAfterFailures ?? DEFAULT_RESTART_AFTER_FAILURES,
        rollbackWindowMinutes: input.recovery?.rollbackWindowMinutes ?? existing?.rollbackWindowMinutes ?? DEFAULT_ROLLBACK_WINDOW_MINUTES,
        updatedAt: new Date(),
      };
      let id: string;
      if (existing) {
        await tx
          .update(deployments)
          .set({
            ...values,
            ...(versionChanged ? { previousSpec: existing.spec, rolloutStartedAt: new Date(), consecutiveFailures: 0, health: 'unknown' as const, healthReason: `rolling out ${spec.version}` } : {}),
          })
          .where(eq(deployments.id, existing.id));
        id = existing.id;
      } else {
        const [row] = await tx
          .insert(deployments)
          .values({ ...values, familyId: family.id, familySlug: family.slug, environment: input.environment, name: target.name, namespace: target.namespace, createdById: meta.actor.id, createdByLabel: meta.actor.label })
          .returning({ id: deployments.id });
        id = row.id;
      }
      const what = existing ? (versionChanged ? `rolling update ${existing.version} → ${spec.version}` : `configuration of ${spec.version} updated`) : `deployed ${spec.version}`;
      await recordAction(tx, id, { kind: existing ? 'updated' : 'deployed', actorLabel: meta.actor.label, message: what, details: { replicas: spec.replicas, resources: spec.resources, autoscaling: spec.autoscaling } });
      await recordHistory(tx, meta, {
        familyId: family.id,
        kind: 'deployed',
        versionId: version.id,
        previousVersionId: versionChanged ? existing!.versionId : null,
        stage: input.environment,
        reason: what,
        details: { environment: input.environment, deploymentId: id, from: existing?.version ?? null, to: spec.version },
      });
      await recordAudit(tx, meta, {
        action: existing ? 'deployments.update' : 'deployments.deploy',
        targetType: 'deployment',
        targetId: id,
        targetLabel: `${family.slug} (${input.environment})`,
        summary: { version: spec.version, previous: existing?.version ?? null, replicas: spec.replicas, resources: spec.resources, autoscaling: spec.autoscaling },
      });
      // Last: if the cluster refuses, the rows above roll back and the objects go back to the running spec.
      // Rebuilt: spec.restartedAt was carried over above, and the template must keep it (or pods restart).
      await applyManifests(cluster, buildManifests(target, spec), { previous: existing ? buildManifests(targetOf(existing), existing.spec) : null });
      return id;
    });
    return describeDeployment(id);
  } catch (error) {
    if (uniqueViolation(error)) throw new ConflictError(`${family.slug} is being deployed to ${input.environment} by another request; try again`, 'environment');
    throw error;
  }
}


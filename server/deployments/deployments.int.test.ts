import { and, asc, eq, sql } from 'drizzle-orm';
import type { Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '@/db/client';
import { auditEvents } from '@/db/schema/audit';
import { deploymentActions, deploymentHealthChecks, deployments } from '@/db/schema/deployments';
import { modelHistory } from '@/db/schema/registry';
import { type Actor, systemActor } from '@/server/auth/actor';
import { type ApplicableObject, type Cluster, ClusterUnavailableError, type KindRef, Kinds, type KubeObject, LABELS, labelSelector, labelValue, MANAGED_BY, modelServerName } from '@/server/cluster';
import { joinTestSimulator } from '@/server/cluster/overview/testing';
import type { Simulator } from '@/server/cluster/sim';
import { fastOptions } from '@/server/cluster/sim/testing/fast-options';
import { waitFor } from '@/server/cluster/sim/testing/wait-for';
import { closeQueues } from '@/server/queue/factory';
import { approveApproval, requestRollback } from '@/server/registry/approvals';
import { createFamily } from '@/server/registry/families';
import { archiveVersion, promoteVersion } from '@/server/registry/promotion';
import { createVersion } from '@/server/registry/versions';
import { meta, testApiKey, testUser, uniqueSlug } from '@/test/fixtures';
import { client, startRestServer } from '@/test/rest-client';
import { closeWorkers, register } from '@/workers/register';
import { deploymentsProcessor } from '@/workers/processors/deployments';
import { renderMetrics } from '@/server/metrics/collect';
import { deploymentConfig } from './config';
import { deployModel } from './deploy';
import { clearEndpointCache, findServingEndpoint } from './endpoints';
import { runHealthRound } from './health/monitor';
import { DEPLOYMENT_KINDS } from './manifests';
import { restartDeployment, rollbackDeployment } from './recovery';
import { scaleDeployment } from './scale';
import { describeDeployment, getDeployStatus } from './status';
import { beginUndeploy, undeployModel } from './undeploy';

let sim: Simulator;
let cluster: Cluster;
let stopSim: () => Promise<void>;
let admin: Actor;
let admin2: Actor;
let engineer: Actor;
let rest: Awaited<ReturnType<typeof startRestServer>>;
let mlKey: string;
let adminKey: string;

const small = { gpu: 0, cpu: '1', memory: '2Gi' };
const system = { actor: systemActor, requestId: 'test-monitor' };

beforeAll(async () => {
  // A model server takes 200 ms (real time) to turn ready: long enough to watch a rolling update through GET status.
  ({ sim, cluster, stop: stopSim } = await joinTestSimulator(fastOptions({ timings: { readyDelayMs: 20_000 } })));
  [admin, admin2, engineer] = await Promise.all([testUser('admin'), testUser('admin'), testUser('ml_engineer')]);
  rest = await startRestServer();
  [mlKey, adminKey] = await Promise.all([testApiKey('ml_engineer'), testApiKey('admin')]);
}, 60_000);

afterAll(async () => {
  await rest?.close();
  await closeWorkers();
  await closeQueues();
  await stopSim?.();
});

async function familyWith(versions: string[]) {
  const family = await createFamily(meta(engineer), { slug: uniqueSlug('dep'), displayName: 'Deploy test', baseModel: 'microsoft/DialoGPT-medium', specialization: 'sales_assistant' });
  for (const v of versions) await createVersion(meta(engineer), family.slug, { version: v, metrics: { accuracy: 0.8 } });
  return family;
}

const ready = (id: string, version: string, replicas = 1) =>
  waitFor(`${replicas} ready replica(s) of ${version}`, async () => {
    const d = await describeDeployment(id);
    const r = d.cluster?.rollout;
    return r && !r.inProgress && r.ready === replicas && r.serving === version && d.cluster!.pods.length === replicas ? d : null;
  }, 20_000, 50);

async function chatThrough(familyId: string, version: string) {
  clearEndpointCache();
  const endpoint = await findServingEndpoint({ familyId, version });
  expect(endpoint, `an endpoint for ${version}`).not.toBeNull();
  expect(endpoint!.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${endpoint!.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hello' }], max_tokens: 8 }) });
  return { endpoint: endpoint!, status: res.status, body: await res.json() };
}

const byLabel = (name: string) => labelSelector({ [LABELS.managedBy]: MANAGED_BY, [LABELS.instance]: name });

/** Every object of every deployment kind carrying the model's labels: name, labels and spec (what we apply), by kind. */
async function modelObjects(familySlug: string) {
  const selector = labelSelector({ [LABELS.managedBy]: MANAGED_BY, [LABELS.family]: labelValue(familySlug) });
  const out: Record<string, Array<{ name?: string; labels?: Record<string, string>; spec: unknown }>> = {};
  for (const kind of [...DEPLOYMENT_KINDS] as KindRef[]) {
    const { items } = await cluster.client.list(kind, { labelSelector: selector });
    out[kind.kind] = items.map((o: KubeObject) => ({ name: o.metadata?.name, labels: o.metadata?.labels, spec: o.spec })).sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
  }
  return out;
}

/**
 * Makes the cluster refuse the next apply of `kind`: the object goes to the API server with a field it
 * refuses (the real 422 path), as an admission webhook, a quota or a CRD schema would. `throws`
 * replaces the call with an error instead (an unreachable cluster).
 */
function refuseNextApply(kind: string, how: { corrupt: (obj: Record<string, unknown>) => void } | { throws: Error }) {
  const original = cluster.client.apply.bind(cluster.client);
  let armed = true;
  return vi.spyOn(cluster.client, 'apply').mockImplementation(async <T extends ApplicableObject>(obj: T): Promise<T> => {
    if (!armed || obj.kind !== kind) return original(obj);
    armed = false;
    if ('throws' in how) throw how.throws;
    const bad = structuredClone(obj) as unknown as Record<string, unknown>;
    how.corrupt(bad);
    return original(bad as unknown as T);
  });
}

const count = async (table: typeof deployments | typeof deploymentActions | typeof auditEvents | typeof modelHistory) => (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0].n;

/** What a refused or failed request must leave as it was: the model's rows and history, every count, and its cluster objects. */
async function stateOf(family: { id: string; slug: string }) {
  return {
    deployments: await db.select().from(deployments).where(eq(deployments.familyId, family.id)).orderBy(asc(deployments.environment)),
    history: await db.select().from(modelHistory).where(eq(modelHistory.familyId, family.id)).orderBy(asc(modelHistory.id)),
    counts: { deployments: await count(deployments), actions: await count(deploymentActions), auditEvents: await count(auditEvents), history: await count(modelHistory) },
    managedDeployments: (await cluster.client.list(Kinds.Deployment, { labelSelector: `${LABELS.managedBy}=${MANAGED_BY}` })).items.length,
    objects: await modelObjects(family.slug),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function roundsUntil<T>(what: string, check: () => Promise<T | null | undefined | false>, rounds = 40): Promise<T> {
  for (let i = 0; i < rounds; i++) {
    await runHealthRound(system);
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${what} after ${rounds} health rounds`);
}

describe('deployments on the simulator', () => {
  it('deploys to ready, serves chat through the Service, rolls to a new version, scales, and undeploys leaving nothing behind', async () => {
    const family = await familyWith(['1.0.0', '1.1.0']);
    const created = await deployModel(meta(engineer), family.slug, { environment: 'staging', version: '1.0.0', replicas: 1, resources: small });
    expect(created).toMatchObject({ environment: 'staging', version: '1.0.0', status: 'active' });
    expect(created.manifestsYaml).toContain('kind: PrometheusRule');
    expect(created.manifestsYaml).toContain('NeuroWeaverHighLatency');

    // Every kind the deployment is made of exists with the deployment's labels.
    for (const kind of DEPLOYMENT_KINDS.filter((k) => k.kind !== 'HorizontalPodAutoscaler') as KindRef[]) {
      expect((await cluster.client.list(kind, { labelSelector: byLabel(created.name) })).items, kind.kind).toHaveLength(1);
    }
    await ready(created.id, '1.0.0');
    const served = await chatThrough(family.id, '1.0.0');
    expect(served.status).toBe(200);
    expect(served.body.choices[0].message.content.length).toBeGreaterThan(0);
    expect(sim.resolveService(created.namespace, created.name)).toContain(served.endpoint.baseUrl);

    // Rolling update to 1.1.0: the status follows it to completion.
    const updating = await deployModel(meta(engineer), family.slug, { environment: 'staging', version: '1.1.0', replicas: 1, resources: small });
    expect(updating.previousVersion).toBe('1.0.0');
    const rolled = await ready(created.id, '1.1.0');
    expect(rolled.cluster!.pods.every((p) => p.version === '1.1.0')).toBe(true);
    expect(rolled.actions.map((a) => a.kind)).toEqual(expect.arrayContaining(['deployed', 'updated']));
    expect((await chatThrough(family.id, '1.1.0')).status).toBe(200);
    clearEndpointCache();
    expect(await findServingEndpoint({ familyId: family.id, version: '1.0.0' })).toBeNull();

    // Scale up and down.
    await scaleDeployment(meta(engineer), family.slug, { environment: 'staging', replicas: 3 });
    await ready(created.id, '1.1.0', 3);
    expect(sim.resolveService(created.namespace, created.name)).toHaveLength(3);
    await scaleDeployment(meta(engineer), family.slug, { environment: 'staging', replicas: 1 });
    await ready(created.id, '1.1.0', 1);

    // Undeploy: every kind, listed by label, is gone (pods and ReplicaSets too); other objects stay.
    const bystander = await deployModel(meta(engineer), family.slug, { environment: 'production', version: '1.0.0', replicas: 1, resources: small }).catch((e) => e);
    expect(bystander).toHaveProperty('status', 403); // an engineer may not deploy to production
    const other = await deployModel(meta(admin), family.slug, { environment: 'production', version: '1.0.0', replicas: 1, resources: small });
    await undeployModel(meta(engineer), family.slug, 'staging');
    await waitFor('no pods left', async () => (await cluster.client.list(Kinds.Pod, { labelSelector: byLabel(created.name) })).items.length === 0, 10_000);
    for (const kind of [...DEPLOYMENT_KINDS, Kinds.ReplicaSet, Kinds.Pod] as KindRef[]) {
      expect((await cluster.client.list(kind, { labelSelector: byLabel(created.name) })).items, kind.kind).toHaveLength(0);
    }
    expect(await cluster.client.find(Kinds.Deployment, other.name)).not.toBeNull();
    const status = await getDeployStatus(family.slug);
    expect(status.environments.map((e) => e.environment)).toEqual(['production']);
    await undeployModel(meta(admin), family.slug, 'production');
  });

  it('autoscales through an HPA, summarises health, and exposes it all at /api/metrics', async () => {
    const family = await familyWith(['1.0.0']);
    const d = await deployModel(meta(engineer), family.slug, { environment: 'staging', version: '1.0.0', resources: small, autoscaling: { minReplicas: 1, maxReplicas: 3, targetCpuUtilization: 70 } });
    const hpa = await cluster.client.get(Kinds.HorizontalPodAutoscaler, d.name);
    expect(hpa.spec).toMatchObject({ minReplicas: 1, maxReplicas: 3, scaleTargetRef: { kind: 'Deployment', name: d.name } });
    await expect(scaleDeployment(meta(engineer), family.slug, { environment: 'staging', replicas: 5 })).rejects.toMatchObject({ status: 422, field: 'replicas' });
    // The HPA owns the count from here (the probes' load may scale it up): 1 to 3 replicas.
    await waitFor('a ready replica', async () => ((await describeDeployment(d.id)).cluster?.rollout.ready ?? 0) >= 1, 20_000, 50);
    await roundsUntil('healthy check', async () => (await describeDeployment(d.id)).health.status === 'healthy');
    const [check] = await db.select().from(deploymentHealthChecks).where(eq(deploymentHealthChecks.deploymentId, d.id)).orderBy(sql`id desc`).limit(1);
    expect(check).toMatchObject({ status: 'healthy', version: '1.0.0' });
    expect(check.readyReplicas).toBe(check.desiredReplicas);
    expect(check.desiredReplicas).toBeGreaterThanOrEqual(1);
    expect(check.desiredReplicas).toBeLessThanOrEqual(3);
    expect(check.chatMs).toBeGreaterThan(0);
    expect(check.healthMs).toBeGreaterThan(0);

    const status = await client(rest.url, mlKey)('GET', `/deploy/${family.slug}/status?environment=staging`);
    expect(status.status).toBe(200);
    expect(status.body.environments[0].cluster.rollout).toMatchObject({ serving: '1.0.0' });
    expect(status.body.environments[0].cluster.rollout.desired).toBeLessThanOrEqual(3);
    const { body, contentType } = await renderMetrics();
    expect(contentType).toContain('text/plain');
    expect(body).toContain(`nw_deployment_health{model="${family.slug}",environment="staging",status="healthy"} 1`);
    expect(body).toMatch(new RegExp(`nw_deployment_health_checks\\{model="${family.slug}",environment="staging",status="healthy"\\} [1-9]`));
    expect(body).toMatch(new RegExp(`nw_deployment_ready_replicas\\{model="${family.slug}",environment="staging"\\} [1-3]`));
    expect(body).toMatch(/nw_http_request_duration_seconds_count\{method="GET",route="\/deploy\/\{model_id\}\/status",status="200"\} [1-9]/);
    expect(body).toMatch(/nw_queue_jobs\{queue="deployments",state="waiting"\} \d+/);
    expect(body).toContain('# TYPE nw_ab_assignments_total counter');
    await undeployModel(meta(engineer), family.slug, 'staging');
    expect(await cluster.client.find(Kinds.HorizontalPodAutoscaler, d.name)).toBeNull();
  });

  it('restarts a crash-looping deployment after K unhealthy checks', async () => {
    const family = await familyWith(['1.0.0']);
    const d = await deployModel(meta(engineer), family.slug, { environment: 'staging', replicas: 1, version: '1.0.0', resources: small, recovery: { restartAfterFailures: 2, rollbackWindowMinutes: 10 } });
    await ready(d.id, '1.0.0');
    await roundsUntil('healthy check', async () => (await describeDeployment(d.id)).health.status === 'healthy');

    sim.settings.update({ crashDeployments: [d.name] });
    try {
      const restarted = await roundsUntil('restart', async () => (await describeDeployment(d.id)).actions.find((a) => a.kind === 'restarted'));
      expect(restarted).toMatchObject({ automatic: true, actorLabel: 'system' });
      expect(restarted.message).toMatch(/2 consecutive unhealthy checks/);
      const dep = await cluster.client.get(Kinds.Deployment, d.name);
      expect(dep.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeTruthy();
      const checks = await db.select().from(deploymentHealthChecks).where(eq(deploymentHealthChecks.deploymentId, d.id));
      expect(checks.some((c) => c.status === 'unhealthy' && /crash-looping|no ready replica/.test(c.reason))).toBe(true);
    } finally {
      sim.settings.update({ crashDeployments: [] });
    }
    await undeployModel(meta(engineer), family.slug, 'staging');
  });

  it('rolls a bad new version back automatically and records it in the registry history and audit log', async () => {
    const family = await familyWith(['1.0.0', '2.0.0']);
    const d = await deployModel(meta(engineer), family.slug, { environment: 'staging', version: '1.0.0', replicas: 1, resources: small, recovery: { restartAfterFailures: 2, rollbackWindowMinutes: 10 } });
    await ready(d.id, '1.0.0');
    // 2.0.0 answers every chat completion with a 500 (the simulated server's error rate).
    await deployModel(meta(engineer), family.slug, { environment: 'staging', version: '2.0.0', replicas: 1, resources: small, env: { NW_SIM_ERROR_RATE: '1' }, recovery: { restartAfterFailures: 2, rollbackWindowMinutes: 10 } });
    await ready(d.id, '2.0.0');

    const rolledBack = await roundsUntil('automatic rollback', async () => (await describeDeployment(d.id)).actions.find((a) => a.kind === 'rolled_back'));
    expect(rolledBack).toMatchObject({ automatic: true, severity: 'alert' });
    const after = await ready(d.id, '1.0.0');
    expect(after.version).toBe('1.0.0');
    expect(after.alerts.map((a) => a.kind)).toContain('rolled_back');
    expect(after.spec.env).toEqual({});
    const history = await db.select().from(modelHistory).where(and(eq(modelHistory.familyId, family.id), eq(modelHistory.kind, 'rolled_back')));
    expect(history).toHaveLength(1);
    expect(history[0].details).toMatchObject({ automatic: true, environment: 'staging', from: '2.0.0', to: '1.0.0' });
    const audits = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'deployments.rollback.automatic'), eq(auditEvents.targetId, d.id)));
    expect(audits).toHaveLength(1);
    expect((await chatThrough(family.id, '1.0.0')).status).toBe(200);
    await undeployModel(meta(engineer), family.slug, 'staging');
  });

  it('redeploys production when the registry promotes a version and when a rollback is approved', async () => {
    let worker: Worker | undefined;
    try {
      worker = register('deployments', deploymentsProcessor, { concurrency: 1 });
      const family = await familyWith(['1.0.0', '1.1.0']);
      await promoteVersion(meta(admin), family.slug, '1.0.0', { stage: 'production' });
      const d = await deployModel(meta(admin), family.slug, { environment: 'production', replicas: 1, resources: small });
      expect(d.version).toBe('1.0.0'); // the production alias
      await ready(d.id, '1.0.0');

      await promoteVersion(meta(admin), family.slug, '1.1.0', { stage: 'production' });
      await ready(d.id, '1.1.0');

      const approval = await requestRollback(meta(engineer), family.slug, { toVersion: '1.0.0', reason: 'regression in 1.1.0' });
      await approveApproval(meta(admin2), approval.id);
      const back = await ready(d.id, '1.0.0');
      expect(back.actions.filter((a) => a.kind === 'redeployed').map((a) => a.message)).toEqual([expect.stringMatching(/1\.1\.0 → 1\.0\.0/), expect.stringMatching(/1\.0\.0 → 1\.1\.0/)]);
      expect((await chatThrough(family.id, '1.0.0')).status).toBe(200);
      await undeployModel(meta(admin), family.slug, 'production');
    } finally {
      await worker?.close();
    }
  });
});

describe('deployments on the simulator: HPA removal, status during a rollout', () => {
  it('removes the HPA when a redeploy or an automatic rollback drops autoscaling, keeping the replicas asked for and the restart annotation', async () => {
    const family = await familyWith(['1.0.0', '1.1.0']);
    const autoscaling = { minReplicas: 2, maxReplicas: 3, targetCpuUtilization: 70 };
    const d = await deployModel(meta(engineer), family.slug, { environment: 'staging', version: '1.0.0', resources: small, autoscaling });
    expect(await cluster.client.find(Kinds.HorizontalPodAutoscaler, d.name)).not.toBeNull();
    await ready(d.id, '1.0.0', 2);

    // Redeployed without autoscaling: the HPA goes, and nothing scales the Deployment back to 2, sync after sync.
    const fixed = await deployModel(meta(engineer), family.slug, { environment: 'staging', version: '1.0.0', replicas: 1, resources: small });
    expect(await cluster.client.find(Kinds.HorizontalPodAutoscaler, d.name)).toBeNull();
    expect(fixed.manifestsYaml).not.toContain('HorizontalPodAutoscaler');
    await ready(d.id, '1.0.0', 1);
    await sleep(600); // four HPA sync periods (15 s of cluster time each)
    expect((await cluster.client.get(Kinds.Deployment, d.name)).spec?.replicas).toBe(1);
    await ready(d.id, '1.0.0', 1);

    // A version that brought autoscaling is rolled back automatically to the spec without it: its HPA goes too.
    await deployModel(meta(engineer), family.slug, { environment: 'staging', version: '1.1.0', resources: small, autoscaling });
    expect(await cluster.client.find(Kinds.HorizontalPodAutoscaler, d.name)).not.toBeNull();
    await ready(d.id, '1.1.0', 2);
    await rollbackDeployment(system, d.id, 'test: 1.1.0 misbehaves');
    expect(await cluster.client.find(Kinds.HorizontalPodAutoscaler, d.name)).toBeNull();
    const back = await ready(d.id, '1.0.0', 1);
    expect(back.spec.autoscaling).toBeNull();
    await sleep(600);
    expect((await cluster.client.get(Kinds.Deployment, d.name)).spec?.replicas).toBe(1);

    // After a rollout restart, a redeploy that only scales keeps the restart annotation (and so the running pod).
    const restartedAt = await restartDeployment(meta(engineer), d.id, 'test restart', { automatic: false });
    const restarted = await ready(d.id, '1.0.0', 1);
    await deployModel(meta(engineer), family.slug, { environment: 'staging', version: '1.0.0', replicas: 2, resources: small });
    expect((await cluster.client.get(Kinds.Deployment, d.name)).spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe(restartedAt);
    const scaled = await ready(d.id, '1.0.0', 2);
    expect(scaled.cluster!.pods.map((p) => p.name)).toEqual(expect.arrayContaining(restarted.cluster!.pods.map((p) => p.name)));
    await undeployModel(meta(engineer), family.slug, 'staging');
  });

  it('shows a rolling update in GET status as it happens: versions, progress, replica counts, conditions, events, endpoint', async () => {
    const family = await familyWith(['1.0.0', '1.1.0']);
    const ml = client(rest.url, mlKey);
    const d = await deployModel(meta(engineer), family.slug, { environment: 'staging', version: '1.0.0', replicas: 2, resources: small });
    await ready(d.id, '1.0.0', 2);

    const started = Date.now();
    const update = await ml('POST', `/deploy/${family.slug}`, { environment: 'staging', version: '1.1.0', replicas: 2, resources: small });
    expect(update.status, JSON.stringify(update.body)).toBe(201);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const samples: any[] = [];
    for (;;) {
      const res = await ml('GET', `/deploy/${family.slug}/status?environment=staging`);
      expect(res.status).toBe(200);
      const env = res.body.environments[0];
      samples.push(env);
      const r = env.cluster.rollout;
      if (!r.inProgress && r.serving === '1.1.0' && r.ready === 2 && env.cluster.pods.length === 2) break;
      if (Date.now() - started > 20_000) throw new Error(`rollout did not finish: ${JSON.stringify(r)}`);
      await sleep(10);
    }

    const rolling = samples.filter((e) => e.cluster.rollout.inProgress);
    expect(rolling.length, 'status samples taken during the rollout').toBeGreaterThan(0);
    for (const e of rolling) {
      const r = e.cluster.rollout;
      expect(e).toMatchObject({ version: '1.1.0', previousVersion: '1.0.0' });
      expect(r.rollingOut).toBe('1.1.0');
      expect(r.desired).toBe(2);
      expect(r.progress).toBeGreaterThanOrEqual(0);
      expect(r.progress).toBeLessThanOrEqual(1);
      expect(r.updated).toBeLessThanOrEqual(2);
      // maxUnavailable 0: the desired count stays available (and reachable) all the way through.
      expect(r.available).toBeGreaterThanOrEqual(2);
      expect(e.cluster.endpoint.ready.length).toBeGreaterThanOrEqual(2);
    }
    const progress = rolling.map((e) => e.cluster.rollout.progress as number);
    expect(progress, 'progress never goes back').toEqual([...progress].sort((a, b) => a - b));
    expect(progress.some((p) => p > 0 && p < 1), `progress part way (${progress.join(', ')})`).toBe(true);
    const midway = rolling.filter((e) => e.cluster.rollout.progress < 1);
    expect(midway.length, 'samples with the new version not yet all ready').toBeGreaterThan(0);
    for (const e of midway) expect(e.cluster.rollout.serving).toBe('1.0.0');
    expect(midway.some((e) => ['1.0.0', '1.1.0'].every((v) => e.cluster.rollout.versions.some((x: { version: string }) => x.version === v))), 'both versions running at once').toBe(true);
    expect(midway.some((e) => e.cluster.rollout.conditions.some((c: { type: string; status: string }) => c.type === 'Progressing' && c.status === 'True'))).toBe(true);

    const done = samples.at(-1);
    expect(done.cluster.rollout).toMatchObject({ inProgress: false, progress: 1, rollingOut: null, serving: '1.1.0', desired: 2, current: 2, updated: 2, ready: 2, available: 2 });
    expect(done.cluster.rollout.versions.map((v: { version: string }) => v.version)).toEqual(['1.1.0']);
    expect(done.cluster.rollout.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Available', status: 'True' }),
        expect.objectContaining({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }),
      ]),
    );
    expect(done.cluster.endpoint.service).toBe(`http://${d.name}.${d.namespace}.svc.cluster.local`);
    expect(done.cluster.endpoint.ready).toHaveLength(2);
    for (const url of done.cluster.endpoint.ready) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // Recent events, newest first, including the Deployment controller scaling the new ReplicaSet up.
    const events = done.cluster.events as Array<{ reason: string; message: string; lastSeen: string }>;
    expect(events.length).toBeGreaterThan(0);
    expect(Date.parse(events[0].lastSeen)).toBeGreaterThanOrEqual(started - 1_000);
    expect(events.map((e) => e.lastSeen)).toEqual([...events.map((e) => e.lastSeen)].sort().reverse());
    expect(events.some((e) => e.reason === 'ScalingReplicaSet' && /Scaled up/.test(e.message) && Date.parse(e.lastSeen) >= started - 1_000)).toBe(true);
    expect(done.health).toHaveProperty('status');
    await undeployModel(meta(engineer), family.slug, 'staging');
  });
});

describe('a failed apply leaves the cluster and the database as they were', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const hpaRefused = () => refuseNextApply('HorizontalPodAutoscaler', { corrupt: (o) => void ((o.spec as { maxReplicas: number }).maxReplicas = 0) });

  it('deletes what a first deploy had applied when a later object is refused, and answers with the cluster\'s 4xx', async () => {
    const family = await familyWith(['1.0.0']);
    const ml = client(rest.url, mlKey);
    const body = { environment: 'staging', version: '1.0.0', resources: small, autoscaling: { minReplicas: 1, maxReplicas: 2, targetCpuUtilization: 70 } };
    const before = await stateOf(family);
    const spy = hpaRefused();
    const res = await ml('POST', `/deploy/${family.slug}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    // The Service, monitors and Deployment were applied before the HPA was refused; all of them are gone again.
    expect(spy.mock.calls.map(([o]) => o.kind)).toEqual(expect.arrayContaining(['Service', 'ServiceMonitor', 'PrometheusRule', 'Deployment', 'HorizontalPodAutoscaler']));
    expect(await stateOf(family)).toEqual(before);
    expect(Object.values(before.objects).flat()).toHaveLength(0);
    expect(res.body.error.code).toBe('cluster_invalid');
    expect(res.body.error.message).toMatch(/refused to apply HorizontalPodAutoscaler .*maxReplicas.*nothing was changed/s);
    const name = modelServerName(family.slug, 'staging');
    await waitFor('no ReplicaSets or pods left', async () => {
      for (const kind of [Kinds.ReplicaSet, Kinds.Pod] as KindRef[]) if ((await cluster.client.list(kind, { labelSelector: byLabel(name) })).items.length) return false;
      return true;
    }, 10_000);

    // Once the cluster accepts it, the same request deploys.
    vi.restoreAllMocks();
    expect((await ml('POST', `/deploy/${family.slug}`, body)).status).toBe(201);
    await undeployModel(meta(engineer), family.slug, 'staging');
  });

  it('puts a running deployment back (version, HPA, monitors) when a redeploy is refused half way', async () => {
    const family = await familyWith(['1.0.0', '1.1.0']);
    const ml = client(rest.url, mlKey);
    const d = await deployModel(meta(engineer), family.slug, { environment: 'staging', version: '1.0.0', resources: small, autoscaling: { minReplicas: 1, maxReplicas: 1, targetCpuUtilization: 70 } });
    await ready(d.id, '1.0.0');
    const before = await stateOf(family);
    expect(before.objects.HorizontalPodAutoscaler).toHaveLength(1);

    hpaRefused();
    // A new version, new alert thresholds and new HPA bounds: the Deployment and the PrometheusRule change before the HPA is refused.
    const res = await ml('POST', `/deploy/${family.slug}`, { environment: 'staging', version: '1.1.0', resources: small, autoscaling: { minReplicas: 1, maxReplicas: 2, targetCpuUtilization: 70 }, alerts: { errorRate: 0.2 } });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(await stateOf(family)).toEqual(before);
    expect(res.body.error.message).toMatch(/nothing was changed/);
    const back = await ready(d.id, '1.0.0');
    expect(back).toMatchObject({ version: '1.0.0', previousVersion: null });
    expect(back.cluster!.pods.every((p) => p.version === '1.0.0')).toBe(true);
    await undeployModel(meta(engineer), family.slug, 'staging');
  });

  it('answers 502 saying what failed, not a bare 500, when the cluster cannot be reached half way', async () => {
    const family = await familyWith(['1.0.0']);
    const ml = client(rest.url, mlKey);
    const before = await stateOf(family);
    refuseNextApply('Deployment', { throws: new ClusterUnavailableError('apply Deployment x: connect ECONNREFUSED 10.0.0.1:6443') });
    const res = await ml('POST', `/deploy/${family.slug}`, { environment: 'staging', version: '1.0.0', resources: small });
    expect(res.status, JSON.stringify(res.body)).toBe(502);
    expect(res.body.error.code).toBe('bad_gateway');
    expect(res.body.error.message).toMatch(/could not apply Deployment .*nothing was changed/);
    expect(res.body.error.message).not.toContain('ECONNREFUSED');
    expect(await stateOf(family)).toEqual(before);
  });
});

describe('bad input gets a clear 4xx and changes nothing', () => {
  async function refused(family: { id: string; slug: string }, call: () => Promise<{ status: number; body: { error: { field?: string; message: string } } }>, status: number, field?: string) {
    const before = await stateOf(family);
    const res = await call();
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    if (field) expect(res.body.error.field).toBe(field);
    expect(await stateOf(family)).toEqual(before);
    return res.body.error;
  }

  it('refuses unknown and archived versions, bad replica counts, impossible GPU requests and non-admins in production', async () => {
    const family = await familyWith(['1.0.0', '1.1.0']);
    await archiveVersion(meta(engineer), family.slug, '1.1.0');
    const ml = client(rest.url, mlKey);
    const body = (more: object) => ({ environment: 'staging', resources: small, ...more });
    await refused(family, () => ml('POST', `/deploy/${family.slug}`, body({ version: '9.9.9' })), 404, 'version');
    await refused(family, () => ml('POST', `/deploy/no-such-model-${family.slug}`, body({ version: '1.0.0' })), 404);
    expect((await refused(family, () => ml('POST', `/deploy/${family.slug}`, body({ version: '1.1.0' })), 422, 'version')).message).toMatch(/archived/);
    expect((await refused(family, () => ml('POST', `/deploy/${family.slug}`, body({})), 422, 'version')).message).toMatch(/no staging version/);
    await refused(family, () => ml('POST', `/deploy/${family.slug}`, body({ version: '1.0.0', replicas: -1 })), 422, 'replicas');
    expect((await refused(family, () => ml('POST', `/deploy/${family.slug}`, body({ version: '1.0.0', replicas: 1000 })), 422, 'replicas')).message).toMatch(/at most 16/);
    await refused(family, () => ml('POST', `/deploy/${family.slug}`, body({ version: '1.0.0', autoscaling: { minReplicas: 4, maxReplicas: 2, targetCpuUtilization: 70 } })), 422, 'autoscaling.minReplicas');
    expect((await refused(family, () => ml('POST', `/deploy/${family.slug}`, body({ version: '1.0.0', resources: { gpu: 64, cpu: '1', memory: '2Gi' } })), 422, 'resources.gpu')).message).toMatch(/more than any node has \(the largest has 4\)/);
    expect((await refused(family, () => ml('POST', `/deploy/${family.slug}`, { environment: 'production', version: '1.0.0', resources: small }), 403)).message).toContain('deployments:production');
  });

  it('refuses scaling below 0 or above the configured maximum, naming replicas', async () => {
    const family = await familyWith(['1.0.0']);
    const ml = client(rest.url, mlKey);
    const created = await ml('POST', `/deploy/${family.slug}`, { environment: 'staging', version: '1.0.0', resources: small });
    expect(created.status).toBe(201);
    const max = deploymentConfig().maxReplicas;
    const scale = (replicas: number) => () => ml('POST', `/deploy/${family.slug}/scale`, { environment: 'staging', replicas });
    expect((await refused(family, scale(max + 1), 422, 'replicas')).message).toMatch(new RegExp(`at most ${max}`));
    expect((await refused(family, scale(-1), 422, 'replicas')).message).toMatch(/at least 0/);
    expect((await refused(family, scale(1.5), 422, 'replicas')).message).toMatch(/whole number/);
    expect((await cluster.client.get(Kinds.Deployment, created.body.name)).spec?.replicas).toBe(1);
    await undeployModel(meta(engineer), family.slug, 'staging');
  });

  it('refuses undeploying what is not deployed and scaling during an undeploy', async () => {
    const family = await familyWith(['1.0.0']);
    const ml = client(rest.url, mlKey);
    await refused(family, () => ml('DELETE', `/deploy/${family.slug}?environment=staging`), 404, 'environment');
    await refused(family, () => ml('POST', `/deploy/${family.slug}/scale`, { environment: 'staging', replicas: 2 }), 404, 'environment');

    const created = await client(rest.url, adminKey)('POST', `/deploy/${family.slug}`, { environment: 'staging', version: '1.0.0', resources: small });
    expect(created.status).toBe(201);
    await beginUndeploy(meta(engineer), family.slug, 'staging');
    const err = await refused(family, () => ml('POST', `/deploy/${family.slug}/scale`, { environment: 'staging', replicas: 2 }), 409, 'environment');
    expect(err.message).toMatch(/being undeployed/);
    expect((await cluster.client.get(Kinds.Deployment, created.body.name)).spec?.replicas).toBe(1);
    const done = await ml('DELETE', `/deploy/${family.slug}?environment=staging`);
    expect(done.status).toBe(200);
    await refused(family, () => ml('DELETE', `/deploy/${family.slug}?environment=staging`), 404, 'environment');
  });
});

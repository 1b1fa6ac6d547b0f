import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db/client';
import { auditEvents } from '@/db/schema/audit';
import { deploymentRequests, deployments } from '@/db/schema/deployments';
import { type Cluster, Kinds, LABELS, labelSelector, MANAGED_BY, modelServerName } from '@/server/cluster';
import { joinTestSimulator } from '@/server/cluster/overview/testing';
import { fastOptions } from '@/server/cluster/sim/testing/fast-options';
import { closeQueues } from '@/server/queue/factory';
import { createFamily } from '@/server/registry/families';
import { archiveVersion } from '@/server/registry/promotion';
import { createVersion } from '@/server/registry/versions';
import { meta, testApiKey, testUser, uniqueSlug } from '@/test/fixtures';
import { client, startRestServer } from '@/test/rest-client';
import { expireStaleDeploymentRequests } from './requests';

/** Production deploys by those who may not deploy to production: requested, then approved (deployed) or rejected by another admin. */
let cluster: Cluster;
let stopSim: () => Promise<void>;
let rest: Awaited<ReturnType<typeof startRestServer>>;
let mlKey: string;
let adminKey: string;
let admin2Key: string;
let viewerKey: string;

const small = { gpu: 0, cpu: '1', memory: '2Gi' };

beforeAll(async () => {
  ({ cluster, stop: stopSim } = await joinTestSimulator(fastOptions({ timings: { readyDelayMs: 200 } })));
  rest = await startRestServer();
  [mlKey, adminKey, admin2Key, viewerKey] = await Promise.all([testApiKey('ml_engineer'), testApiKey('admin'), testApiKey('admin'), testApiKey('viewer')]);
}, 60_000);

afterAll(async () => {
  await rest?.close();
  await closeQueues();
  await stopSim?.();
});

async function familyWith(versions: string[]) {
  const engineer = await testUser('ml_engineer');
  const family = await createFamily(meta(engineer), { slug: uniqueSlug('depreq'), displayName: 'Deploy request test', baseModel: 'microsoft/DialoGPT-medium', specialization: 'sales_assistant' });
  for (const v of versions) await createVersion(meta(engineer), family.slug, { version: v });
  return family;
}

async function productionObjects(slug: string) {
  const list = await cluster.client.list(Kinds.Deployment, { labelSelector: labelSelector({ [LABELS.managedBy]: MANAGED_BY, [LABELS.instance]: modelServerName(slug, 'production') }) });
  return list.items.length;
}

const count = async (table: typeof deployments | typeof deploymentRequests | typeof auditEvents, where?: ReturnType<typeof eq>) =>
  (await db.select({ n: sql<number>`count(*)::int` }).from(table).where(where))[0].n;

describe('production deploy requests', () => {
  it('an engineer asks, nothing is deployed until another admin approves, then exactly that version runs in production', async () => {
    const family = await familyWith(['1.0.0', '1.1.0']);
    const ml = client(rest.url, mlKey);
    const direct = await ml('POST', `/deploy/${family.slug}`, { environment: 'production', version: '1.1.0', resources: small });
    expect(direct.status).toBe(403);
    expect(direct.body.error.message).toContain(`/api/v1/deploy/${family.slug}/requests`);

    const asked = await ml('POST', `/deploy/${family.slug}/requests`, { environment: 'production', version: '1.1.0', replicas: 2, resources: small, reason: 'A/B test shipped 1.1.0' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body).toMatchObject({ status: 'pending', model: family.slug, environment: 'production', version: '1.1.0', reason: 'A/B test shipped 1.1.0', deploymentId: null });
    expect(await count(deployments, eq(deployments.familyId, family.id))).toBe(0);
    expect(await productionObjects(family.slug)).toBe(0);
    const requestAudit = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'deployments.production.request'), eq(auditEvents.targetId, asked.body.id)));
    expect(requestAudit).toHaveLength(1);

    // A second request for the same family and environment waits for the first to be decided.
    const again = await ml('POST', `/deploy/${family.slug}/requests`, { environment: 'production', version: '1.0.0', resources: small, reason: 'second thoughts' });
    expect(again.status).toBe(409);
    expect(again.body.error.field).toBe('environment');

    const listed = await client(rest.url, viewerKey)('GET', '/deployment-requests?status=pending');
    expect(listed.status).toBe(403); // viewers read deployments, not the approvals inbox
    const inbox = await client(rest.url, adminKey)('GET', '/deployment-requests?status=pending&limit=200');
    expect(inbox.status).toBe(200);
    expect(inbox.body.map((r: { id: string }) => r.id)).toContain(asked.body.id);

    const approved = await client(rest.url, adminKey)('POST', `/deployment-requests/${asked.body.id}/approve`, { reason: 'looks good' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decisionReason: 'looks good' });
    expect(approved.body.deploymentId).toEqual(expect.any(String));
    const [row] = await db.select().from(deployments).where(eq(deployments.id, approved.body.deploymentId));
    expect(row).toMatchObject({ environment: 'production', version: '1.1.0', status: 'active' });
    expect(row.spec.replicas).toBe(2);
    expect(await productionObjects(family.slug)).toBe(1);
    const approvalAudit = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'deployments.production.approve'), eq(auditEvents.targetId, asked.body.id)));
    expect(approvalAudit).toHaveLength(1);
    // The deploy itself is audited as the approving admin's.
    const deployAudit = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'deployments.deploy'), eq(auditEvents.targetId, row.id)));
    expect(deployAudit).toHaveLength(1);

    const twice = await client(rest.url, admin2Key)('POST', `/deployment-requests/${asked.body.id}/approve`, {});
    expect(twice.status).toBe(409);
  });

  it('the requester may not approve their own request, a rejected one deploys nothing, and bad requests write nothing', async () => {
    const family = await familyWith(['1.0.0', '1.1.0']);
    await archiveVersion(meta(await testUser('ml_engineer')), family.slug, '1.1.0');
    const adminAsks = await client(rest.url, adminKey)('POST', `/deploy/${family.slug}/requests`, { environment: 'production', version: '1.0.0', resources: small, reason: 'four eyes please' });
    expect(adminAsks.status).toBe(201);
    const own = await client(rest.url, adminKey)('POST', `/deployment-requests/${adminAsks.body.id}/approve`, {});
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/another admin/);
    const engineerDecides = await client(rest.url, mlKey)('POST', `/deployment-requests/${adminAsks.body.id}/approve`, {});
    expect(engineerDecides.status).toBe(403);
    const rejected = await client(rest.url, admin2Key)('POST', `/deployment-requests/${adminAsks.body.id}/reject`, { reason: 'not this week' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', decisionReason: 'not this week', deploymentId: null });
    expect(await productionObjects(family.slug)).toBe(0);
    expect(await count(deployments, eq(deployments.familyId, family.id))).toBe(0);

    const ml = client(rest.url, mlKey);
    const before = [await count(deploymentRequests), await count(auditEvents)];
    const cases: [object, number, string][] = [
      [{ environment: 'staging', version: '1.0.0', resources: small, reason: 'staging needs none' }, 422, 'environment'],
      [{ environment: 'production', version: '1.1.0', resources: small, reason: 'archived one' }, 422, 'version'],
      [{ environment: 'production', version: '9.9.9', resources: small, reason: 'unknown one' }, 404, 'version'],
      [{ environment: 'production', version: '1.0.0', resources: { gpu: 64, cpu: '1', memory: '2Gi' }, reason: 'too big' }, 422, 'resources.gpu'],
      [{ environment: 'production', version: '1.0.0', resources: small }, 422, 'reason'],
      [{ environment: 'production', version: '1.0.0', replicas: -1, resources: small, reason: 'negative' }, 422, 'replicas'],
    ];
    for (const [body, status, field] of cases) {
      const res = await ml('POST', `/deploy/${family.slug}/requests`, body);
      expect(res.status, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`).toBe(status);
      expect(res.body.error.field).toBe(field);
    }
    expect(await client(rest.url, viewerKey)('POST', `/deploy/${family.slug}/requests`, { environment: 'production', version: '1.0.0', resources: small, reason: 'viewer' })).toHaveProperty('status', 403);
    expect([await count(deploymentRequests), await count(auditEvents)]).toEqual(before);
  });

  it('an approval that can no longer deploy leaves the request pending and the cluster unchanged; stale requests expire', async () => {
    const family = await familyWith(['1.0.0']);
    const asked = await client(rest.url, mlKey)('POST', `/deploy/${family.slug}/requests`, { environment: 'production', version: '1.0.0', resources: small, reason: 'ship it' });
    expect(asked.status).toBe(201);
    await archiveVersion(meta(await testUser('ml_engineer')), family.slug, '1.0.0');
    const approve = await client(rest.url, adminKey)('POST', `/deployment-requests/${asked.body.id}/approve`, {});
    expect(approve.status).toBe(422);
    expect(approve.body.error.message).toMatch(/archived/);
    const [still] = await db.select().from(deploymentRequests).where(eq(deploymentRequests.id, asked.body.id));
    expect(still.status).toBe('pending');
    expect(await productionObjects(family.slug)).toBe(0);

    await db.update(deploymentRequests).set({ createdAt: sql`now() - interval '3 days'` }).where(eq(deploymentRequests.id, asked.body.id));
    expect(await expireStaleDeploymentRequests(meta(await testUser('admin')), 48)).toBeGreaterThanOrEqual(1);
    const [expired] = await db.select().from(deploymentRequests).where(eq(deploymentRequests.id, asked.body.id));
    expect(expired).toMatchObject({ status: 'expired', decisionReason: 'no decision within 48 h' });
  });
});

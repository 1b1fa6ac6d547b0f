import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db/client';
import { auditEvents } from '@/db/schema/audit';
import { modelVersions } from '@/db/schema/registry';
import type { Actor } from '@/server/auth/actor';
import { ConflictError, ForbiddenError, NotFoundError } from '@/server/errors';
import { meta, testUser, uniqueSlug } from '@/test/fixtures';
import { approveApproval, rejectApproval, requestRollback } from './approvals';
import { compareVersions } from './compare';
import { createFamily, getFamily, listFamilies } from './families';
import { listHistory } from './history';
import { archiveVersion, promoteVersion } from './promotion';
import { bumpFamilyVersion, createVersion, getVersion, latestVersionOf, listVersions } from './versions';

let admin: Actor;
let admin2: Actor;
let engineer: Actor;
let pm: Actor;

beforeAll(async () => {
  [admin, admin2, engineer, pm] = await Promise.all([testUser('admin'), testUser('admin'), testUser('ml_engineer'), testUser('product_manager')]);
});

async function newFamily() {
  return createFamily(meta(engineer), { slug: uniqueSlug('sales'), displayName: 'Sales assistant', baseModel: 'microsoft/DialoGPT-medium', specialization: 'sales_assistant' });
}

const auditCount = async (action: string) => (await db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(eq(auditEvents.action, action)))[0].n;

describe('versions', () => {
  it('creates, inherits from a parent with deep-merged overrides, and bumps from the latest', async () => {
    const family = await newFamily();
    const v1 = await createVersion(meta(engineer), family.slug, {
      version: '1.0.0',
      config: { qlora: { rank: 16, alpha: 32 }, lr: 2e-4 },
      metrics: { eval_loss: 1.4, accuracy: 0.71 },
      artifactUri: 's3://models/sales/1.0.0',
      artifactSha256: 'a'.repeat(64),
    });
    expect(v1).toMatchObject({ version: '1.0.0', status: 'registered', baseModel: 'microsoft/DialoGPT-medium', metricDirections: { eval_loss: 'lower', accuracy: 'higher' } });

    const v11 = await bumpFamilyVersion(meta(engineer), family.id, { level: 'minor', config: { qlora: { rank: 64 } }, metrics: { accuracy: 0.78 } });
    expect(v11.version).toBe('1.1.0');
    expect(v11.parentVersion).toBe('1.0.0');
    expect(v11.config).toEqual({ qlora: { rank: 64, alpha: 32 }, lr: 2e-4 });
    expect(v11.metrics).toEqual({ eval_loss: 1.4, accuracy: 0.78 });
    expect(v11.artifactUri).toBeNull(); // artifacts belong to one version, never inherited

    const rc = await bumpFamilyVersion(meta(engineer), family.slug, { level: 'prerelease', preid: 'rc' });
    expect(rc.version).toBe('1.1.1-rc.0');
    const rc2 = await bumpFamilyVersion(meta(engineer), family.slug, { level: 'prerelease' });
    expect(rc2.version).toBe('1.1.1-rc.1');
    const fromOld = await bumpFamilyVersion(meta(engineer), family.slug, { level: 'patch', from: '1.0.0', baseModel: 'meta-llama/Llama-3.1-8B' });
    expect(fromOld).toMatchObject({ version: '1.0.1', parentVersion: '1.0.0', baseModel: 'meta-llama/Llama-3.1-8B' });

    const page = await listVersions(family.slug, { limit: 3 });
    expect(page.items.map((v) => v.version)).toEqual(['1.1.1-rc.1', '1.1.1-rc.0', '1.1.0']);
    const next = await listVersions(family.slug, { limit: 3, cursor: page.nextCursor! });
    expect(next.items.map((v) => v.version)).toEqual(['1.0.1', '1.0.0']);
    expect(next.nextCursor).toBeNull();

    const fam = await getFamily(family.slug);
    expect(fam).toMatchObject({ versionCount: 5, latestVersion: '1.1.1-rc.1', production: null });
    // The one-query lookup agrees with the list, by slug and by id; nothing for an unknown or empty family.
    expect((await latestVersionOf(family.slug))?.version).toBe('1.1.1-rc.1');
    expect((await latestVersionOf(family.id))?.version).toBe('1.1.1-rc.1');
    expect(await latestVersionOf(uniqueSlug('missing'))).toBeNull();
    expect(await latestVersionOf((await newFamily()).slug)).toBeNull();
    expect((await listFamilies({ q: family.slug.slice(-8), limit: 10, offset: 0 })).items.map((f) => f.id)).toContain(family.id);
  });

  it('refuses duplicates, invalid references and unknown models without writing anything', async () => {
    const family = await newFamily();
    await createVersion(meta(engineer), family.slug, { version: '1.0.0' });
    const before = await auditCount('registry.version.create');
    await expect(createVersion(meta(engineer), family.slug, { version: '1.0.0' })).rejects.toThrow(ConflictError);
    await expect(createVersion(meta(engineer), family.slug, { version: '1.0.0+build.5' })).rejects.toThrow(/already exists/);
    await expect(createVersion(meta(engineer), family.slug, { version: '2.0.0', parent: '9.9.9' })).rejects.toMatchObject({ status: 404, field: 'parent' });
    await expect(bumpFamilyVersion(meta(engineer), family.slug, { level: 'minor', from: '3.0.0' })).rejects.toMatchObject({ status: 404, field: 'from' });
    await expect(createVersion(meta(engineer), 'no-such-model', { version: '1.0.0' })).rejects.toThrow(NotFoundError);
    expect(await auditCount('registry.version.create')).toBe(before);
    const rows = await db.select().from(modelVersions).where(eq(modelVersions.familyId, family.id));
    expect(rows.map((r) => r.version)).toEqual(['1.0.0']);
  });

  it('lets exactly one of many concurrent requests for the same new version succeed', async () => {
    const family = await newFamily();
    await createVersion(meta(engineer), family.slug, { version: '1.0.0' });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        i % 2 ? bumpFamilyVersion(meta(engineer), family.slug, { level: 'minor', from: '1.0.0' }) : createVersion(meta(engineer), family.slug, { version: '1.1.0' }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(7);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(ConflictError);
    const versions = await db.select().from(modelVersions).where(and(eq(modelVersions.familyId, family.id), eq(modelVersions.version, '1.1.0')));
    expect(versions).toHaveLength(1);
  });
});

describe('concurrent bumps', () => {
  it('gives concurrent bumps from the latest version one number each, in turn, none refused', async () => {
    const family = await newFamily();
    await createVersion(meta(engineer), family.slug, { version: '1.0.0' });
    const results = await Promise.all(Array.from({ length: 6 }, () => bumpFamilyVersion(meta(engineer), family.slug, { level: 'patch' })));
    expect(results.map((v) => v.version).sort()).toEqual(['1.0.1', '1.0.2', '1.0.3', '1.0.4', '1.0.5', '1.0.6']);
    // Each was bumped from the one before it.
    const byVersion = new Map(results.map((v) => [v.version, v]));
    for (let i = 2; i <= 6; i++) expect(byVersion.get(`1.0.${i}`)!.parentVersion).toBe(`1.0.${i - 1}`);
  });
});

describe('promotion, archive and rollback', () => {
  async function familyWithProduction() {
    const family = await newFamily();
    await createVersion(meta(engineer), family.slug, { version: '1.0.0', metrics: { accuracy: 0.7 } });
    await bumpFamilyVersion(meta(engineer), family.slug, { level: 'minor', metrics: { accuracy: 0.8 } });
    await promoteVersion(meta(admin), family.slug, '1.0.0', { stage: 'production' });
    await promoteVersion(meta(engineer), family.slug, '1.1.0', { stage: 'staging' });
    await promoteVersion(meta(admin), family.slug, '1.1.0', { stage: 'production', reason: 'better accuracy' });
    return family;
  }

  it('keeps one production and one staging alias and records every move', async () => {
    const family = await familyWithProduction();
    const fam = await getFamily(family.slug);
    expect(fam).toMatchObject({ production: '1.1.0', staging: null });
    expect((await getVersion(family.slug, '1.0.0')).status).toBe('registered');
    const history = await listHistory(family.slug, 50);
    expect(history.map((h) => `${h.kind}:${h.version}:${h.stage ?? ''}`)).toEqual([
      'promoted:1.1.0:production',
      'demoted:1.1.0:staging',
      'demoted:1.0.0:production',
      'promoted:1.1.0:staging',
      'promoted:1.0.0:production',
      'created:1.1.0:',
      'created:1.0.0:',
    ]);
    expect(history[0]).toMatchObject({ previousVersion: '1.0.0', reason: 'better accuracy', actor: admin.label });
  });

  it('allows production promotion to admins only, and refuses archived or repeated promotions', async () => {
    const family = await familyWithProduction();
    await expect(promoteVersion(meta(engineer), family.slug, '1.0.0', { stage: 'production' })).rejects.toThrow(ForbiddenError);
    await expect(promoteVersion(meta(admin), family.slug, '1.1.0', { stage: 'production' })).rejects.toThrow(ConflictError);
    await archiveVersion(meta(engineer), family.slug, '1.0.0', 'superseded');
    await expect(promoteVersion(meta(engineer), family.slug, '1.0.0', { stage: 'staging' })).rejects.toThrow(/archived/);
    await expect(archiveVersion(meta(engineer), family.slug, '1.1.0')).rejects.toThrow(/production version/);
  });

  it('rolls production back only with another admin’s approval, atomically and audited', async () => {
    const family = await familyWithProduction();
    const request = await requestRollback(meta(engineer), family.slug, { toVersion: '1.0.0', reason: 'support tickets doubled' });
    expect(request).toMatchObject({ status: 'pending', fromVersion: '1.1.0', toVersion: '1.0.0', requestedBy: engineer.label });
    await expect(requestRollback(meta(engineer), family.slug, { toVersion: '1.0.0', reason: 'again' })).rejects.toThrow(/already pending/);

    const approved = await approveApproval(meta(admin), request.id, 'confirmed in dashboards');
    expect(approved).toMatchObject({ status: 'approved', decidedBy: admin.label });
    expect((await getFamily(family.slug)).production).toBe('1.0.0');
    await expect(approveApproval(meta(admin2), request.id)).rejects.toThrow(/already approved/);

    const [event] = await listHistory(family.slug, 1);
    expect(event).toMatchObject({ kind: 'rolled_back', version: '1.0.0', previousVersion: '1.1.0', reason: 'support tickets doubled' });
    expect(event.details).toMatchObject({ requestedBy: engineer.label, approvedBy: admin.label, approvalId: request.id });
    const audits = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'registry.rollback.approve'), eq(auditEvents.targetId, request.id)));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorLabel: admin.label, summary: expect.objectContaining({ requestedBy: engineer.label, from: '1.1.0', to: '1.0.0' }) });
  });

  it('refuses self-approval, rollbacks to production/archived/newer versions, and non-admin decisions', async () => {
    const family = await familyWithProduction();
    await bumpFamilyVersion(meta(engineer), family.slug, { level: 'patch', from: '1.0.0' }); // 1.0.1
    await archiveVersion(meta(engineer), family.slug, '1.0.1');
    await expect(requestRollback(meta(engineer), family.slug, { toVersion: '1.1.0', reason: 'noop' })).rejects.toMatchObject({ status: 422, field: 'toVersion' });
    await expect(requestRollback(meta(engineer), family.slug, { toVersion: '1.0.1', reason: 'archived' })).rejects.toThrow(/archived/);
    await expect(requestRollback(meta(pm), family.slug, { toVersion: '1.0.0', reason: 'pm' })).rejects.toThrow(ForbiddenError);

    const own = await requestRollback(meta(admin), family.slug, { toVersion: '1.0.0', reason: 'latency regression' });
    await expect(approveApproval(meta(admin), own.id)).rejects.toThrow(ForbiddenError);
    await expect(approveApproval(meta(engineer), own.id)).rejects.toThrow(ForbiddenError);
    expect((await getFamily(family.slug)).production).toBe('1.1.0');
    const rejected = await rejectApproval(meta(admin2), own.id, 'not needed');
    expect(rejected.status).toBe('rejected');
    await expect(approveApproval(meta(admin2), own.id)).rejects.toThrow(/already rejected/);
    expect((await getFamily(family.slug)).production).toBe('1.1.0');
  });

  it('refuses a rollback when there is no production version', async () => {
    const family = await newFamily();
    await createVersion(meta(engineer), family.slug, { version: '1.0.0' });
    await expect(requestRollback(meta(engineer), family.slug, { toVersion: '1.0.0', reason: 'x y z' })).rejects.toThrow(/no production version/);
  });
});

describe('compare', () => {
  it('shows metric changes, config diff, lineage and a compatibility verdict', async () => {
    const family = await newFamily();
    await createVersion(meta(engineer), family.slug, { version: '1.0.0', config: { lr: 2e-4, qlora: { rank: 16 } }, metrics: { accuracy: 0.7, eval_loss: 1.5 }, lineage: { datasetUri: 's3://data/sales.jsonl' } });
    await bumpFamilyVersion(meta(engineer), family.slug, { level: 'minor', config: { qlora: { rank: 64 } }, metrics: { accuracy: 0.77, eval_loss: 1.2 } });
    await bumpFamilyVersion(meta(engineer), family.slug, { level: 'major', config: { lr: 1e-4 } });
    const result = await compareVersions({ a: { model: family.slug, version: '1.0.0' }, b: { model: family.id, version: '2.0.0' } });
    expect(result.b.lineage.parents.map((p) => p.version)).toEqual(['1.1.0', '1.0.0']);
    expect(result.a.lineage.dataset).toBe('s3://data/sales.jsonl');
    expect(result.compatibility.verdict).toBe('breaking');
    expect(result.configDiff.changed.map((c) => c.path)).toEqual(['lr', 'qlora.rank']);
    const acc = result.metrics.find((m) => m.name === 'accuracy')!;
    expect(acc.better).toBe('b');
    expect(acc.relativeChange).toBeCloseTo(0.1, 10);
    expect(result.metrics.find((m) => m.name === 'eval_loss')!.better).toBe('b');
    await expect(compareVersions({ a: { model: family.slug, version: '1.0.0' }, b: { model: family.slug, version: '7.0.0' } })).rejects.toMatchObject({ field: 'b.version' });
  });
});

describe('audit log', () => {
  it('is append-only at the database level', async () => {
    const refused = { cause: expect.objectContaining({ message: expect.stringMatching(/append-only/) }) };
    await expect(db.execute(sql`update audit_events set action = 'tampered'`)).rejects.toMatchObject(refused);
    await expect(db.execute(sql`delete from audit_events`)).rejects.toMatchObject(refused);
    await expect(db.execute(sql`truncate audit_events`)).rejects.toMatchObject(refused);
  });

  it('records who did each mutation', async () => {
    const family = await newFamily();
    const [row] = await db.select().from(auditEvents).where(and(eq(auditEvents.action, 'registry.model.create'), eq(auditEvents.targetId, family.id)));
    expect(row).toMatchObject({ actorType: 'user', actorId: engineer.id, actorLabel: engineer.label, targetLabel: family.slug });
    expect(row.requestId).toMatch(/^test-/);
  });
});


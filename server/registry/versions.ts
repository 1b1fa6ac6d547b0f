import { and, eq, lt, sql } from 'drizzle-orm';
import { db, type Tx } from '@/db/client';
import { modelFamilies, modelVersions } from '@/db/schema/registry';
import { recordAudit } from '@/server/audit/service';
import type { RequestMeta } from '@/server/auth/actor';
import { ConflictError, ValidationError, uniqueViolation } from '@/server/errors';
import { recordHistory } from './history';
import { type FamilyRow, familyRefIs, resolveFamily, resolveVersion, type VersionRow } from './refs';
import type { BumpVersionInput, CreateVersionInput, ListVersionsInput, VersionOverrides } from './schemas';
import { semverSortKey } from './semver-key';
import { bumpVersion, mergeConfig, resolveDirections } from './versioning';
import { parentVersions, selectVersions, sortKeyC, versionColumns, type VersionView } from './views';

/**
 * Inserts a version. With a parent it inherits base model, config (deep-merged with the overrides) and
 * metrics; the unique index on (family, sort key) makes concurrent creation of one version fail with 409.
 */
async function insertVersion(tx: Tx, meta: RequestMeta, family: FamilyRow, version: string, parent: VersionRow | null, overrides: VersionOverrides, how: Record<string, unknown>) {
  const metrics = { ...(parent?.metrics ?? {}), ...(overrides.metrics ?? {}) };
  const [row] = await tx
    .insert(modelVersions)
    .values({
      familyId: family.id,
      version,
      sortKey: semverSortKey(version),
      parentId: parent?.id ?? null,
      baseModel: overrides.baseModel ?? parent?.baseModel ?? family.baseModel,
      artifactUri: overrides.artifactUri ?? null,
      artifactSha256: overrides.artifactSha256 ?? null,
      trainingJobId: overrides.trainingJobId ?? null,
      lineage: overrides.lineage ?? {},
      config: mergeConfig(parent?.config ?? {}, overrides.config),
      metrics,
      metricDirections: resolveDirections(metrics, { ...(parent?.metricDirections ?? {}), ...(overrides.metricDirections ?? {}) }),
      tags: overrides.tags ?? [],
      notes: overrides.notes ?? '',
      createdById: meta.actor.id,
      createdByLabel: meta.actor.label,
    })
    .returning();
  await tx.update(modelFamilies).set({ updatedAt: new Date() }).where(eq(modelFamilies.id, family.id));
  await recordHistory(tx, meta, { familyId: family.id, kind: 'created', versionId: row.id, details: { parent: parent?.version ?? null, ...how } });
  await recordAudit(tx, meta, {
    action: 'registry.version.create',
    targetType: 'model_version',
    targetId: row.id,
    targetLabel: `${family.slug}@${version}`,
    summary: { version, parent: parent?.version ?? null, ...how, overrides: Object.keys(overrides) },
  });
  return toView(row, parent?.version ?? null);
}

/** The API shape of a version row (see views.ts), when the parent's version string is already known. */
function toView(row: VersionRow, parentVersion: string | null): VersionView {
  const { sortKey: _k, createdById: _c, createdByLabel, ...rest } = row;
  return { ...rest, parentVersion, createdBy: createdByLabel };
}

async function withConflictMapping<T>(version: () => string, family: () => string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (uniqueViolation(error)) throw new ConflictError(`Version ${version()} of model "${family()}" already exists`, 'version');
    throw error;
  }
}

export async function createVersion(meta: RequestMeta, familyRef: string, input: CreateVersionInput) {
  let slug = familyRef;
  return withConflictMapping(() => input.version, () => slug, () =>
    db.transaction(async (tx) => {
      // The family's row first, as a bump takes it (see bumpFamilyVersion): a create that inserted first and
      // then waited for the row a bump held, while the bump waited on the create's new version, deadlocked.
      const family = await resolveFamily(tx, familyRef, { lock: true });
      slug = family.slug;
      const parent = input.parent ? await resolveVersion(tx, family, input.parent, 'parent') : null;
      const { version, parent: _p, ...overrides } = input;
      return insertVersion(tx, meta, family, version, parent, overrides, { via: 'explicit' });
    }),
  );
}

/**
 * Bumps from `from` (or the family's latest version by semver) and inherits from it. New versions of one
 * family take turns on its row: concurrent bumps from the latest (pipelines of one family registering at the
 * same moment) each get the next number instead of all but one failing on the same one and retrying.
 */
export async function bumpFamilyVersion(meta: RequestMeta, familyRef: string, input: BumpVersionInput) {
  let next = '';
  let slug = familyRef;
  return withConflictMapping(() => next, () => slug, () =>
    db.transaction(async (tx) => {
      const family = await resolveFamily(tx, familyRef, { lock: true });
      slug = family.slug;
      const from = input.from ? await resolveVersion(tx, family, input.from, 'from') : await latestVersion(tx, family);
      if (!from) throw new ValidationError(`Model "${family.slug}" has no versions to bump from; create the first one with an explicit version`, 'from');
      next = bumpVersion(from.version, input.level, input.preid);
      const { level, from: _f, preid: _p, ...overrides } = input;
      return insertVersion(tx, meta, family, next, from, overrides, { via: 'bump', level });
    }),
  );
}

export async function latestVersion(tx: Tx | typeof db, family: FamilyRow): Promise<VersionRow | null> {
  const [row] = await tx.select().from(modelVersions).where(eq(modelVersions.familyId, family.id)).orderBy(sql`${sortKeyC} desc`).limit(1);
  return row ?? null;
}

/**
 * The latest version by semver precedence of the family `familyRef` (id or slug) names, in one query; null
 * when there is no such family or it has no version yet. For callers on a latency-critical path (the
 * evaluate stage's dispatch pins its parent with it) that need no distinction between the two.
 */
export async function latestVersionOf(familyRef: string): Promise<VersionRow | null> {
  const [row] = await db
    .select({ version: modelVersions })
    .from(modelVersions)
    .innerJoin(modelFamilies, eq(modelFamilies.id, modelVersions.familyId))
    .where(familyRefIs(familyRef))
    .orderBy(sql`${sortKeyC} desc`)
    .limit(1);
  return row?.version ?? null;
}

const encodeCursor = (sortKey: string) => Buffer.from(sortKey).toString('base64url');
function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString();
  if (!/^\d{16}\.\d{16}\.\d{16}[-~]/.test(key)) throw new ValidationError('cursor: is not a cursor returned by this API', 'cursor');
  return key;
}

/** Newest first by semver precedence, keyset-paginated so page N costs the same as page 1. */
export async function listVersions(familyRef: string, input: ListVersionsInput) {
  const family = await resolveFamily(db, familyRef);
  const conditions = [eq(modelVersions.familyId, family.id)];
  if (input.status) conditions.push(eq(modelVersions.status, input.status));
  if (input.cursor) conditions.push(lt(sortKeyC, decodeCursor(input.cursor)));
  const rows = await db
    .select({ ...versionColumns, sortKey: modelVersions.sortKey })
    .from(modelVersions)
    .leftJoin(parentVersions, eq(parentVersions.id, modelVersions.parentId))
    .where(and(...conditions))
    .orderBy(sql`${sortKeyC} desc`)
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const nextCursor = rows.length > input.limit ? encodeCursor(page[page.length - 1].sortKey) : null;
  return { items: page.map(({ sortKey: _k, ...view }) => view), nextCursor };
}

export async function getVersion(familyRef: string, version: string) {
  const family = await resolveFamily(db, familyRef);
  const row = await resolveVersion(db, family, version);
  const [view] = await selectVersions(db).where(eq(modelVersions.id, row.id));
  return { ...view, family: { id: family.id, slug: family.slug, displayName: family.displayName } };
}

import { and, asc, count, eq, ilike, or, sql } from 'drizzle-orm';
import { db } from '@/db/client';
import { modelFamilies, modelVersions } from '@/db/schema/registry';
import { recordAudit } from '@/server/audit/service';
import type { RequestMeta } from '@/server/auth/actor';
import { ConflictError, uniqueViolation } from '@/server/errors';
import { resolveFamily } from './refs';
import type { CreateFamilyInput } from './schemas';
import { familyColumns, selectVersions, sortKeyC } from './views';

export async function createFamily(meta: RequestMeta, input: CreateFamilyInput) {
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(modelFamilies)
        .values({ ...input, description: input.description ?? '', ownerId: meta.actor.id, ownerLabel: meta.actor.label })
        .returning(familyColumns);
      await recordAudit(tx, meta, { action: 'registry.model.create', targetType: 'model', targetId: row.id, targetLabel: row.slug, summary: { ...input } });
      return { ...row, versionCount: 0, latestVersion: null, production: null, staging: null };
    });
  } catch (error) {
    if (uniqueViolation(error)) throw new ConflictError(`A model with slug "${input.slug}" already exists`, 'slug');
    throw error;
  }
}

// Qualified by hand: drizzle leaves columns unqualified in single-table selects, which the subqueries would capture.
const familyId = sql.raw('"model_families"."id"');

/** Per-family aggregates computed in SQL, so the list costs one query whatever the version counts. */
const aggregates = {
  versionCount: sql<number>`(select count(*)::int from ${modelVersions} v where v.family_id = ${familyId})`,
  latestVersion: sql<string | null>`(select v.version from ${modelVersions} v where v.family_id = ${familyId} order by v.sort_key collate "C" desc limit 1)`,
  production: sql<string | null>`(select v.version from ${modelVersions} v where v.family_id = ${familyId} and v.status = 'production')`,
  staging: sql<string | null>`(select v.version from ${modelVersions} v where v.family_id = ${familyId} and v.status = 'staging')`,
};

export async function listFamilies(input: { q?: string; limit: number; offset: number }) {
  const q = input.q ? `%${input.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const where = q
    ? or(ilike(modelFamilies.slug, q), ilike(modelFamilies.displayName, q), ilike(modelFamilies.baseModel, q), ilike(modelFamilies.specialization, q))
    : undefined;
  const [items, [{ total }]] = await Promise.all([
    db.select({ ...familyColumns, ...aggregates }).from(modelFamilies).where(where).orderBy(asc(modelFamilies.slug)).limit(input.limit).offset(input.offset),
    db.select({ total: count() }).from(modelFamilies).where(where),
  ]);
  return { items, total };
}

export async function getFamily(ref: string) {
  const family = await resolveFamily(db, ref);
  const [row] = await db.select({ ...familyColumns, ...aggregates }).from(modelFamilies).where(eq(modelFamilies.id, family.id));
  return row;
}

/** A family with its production and staging versions in full: the model page and GET /models/{id}. */
export async function getFamilyDetail(ref: string) {
  const family = await getFamily(ref);
  return { ...family, aliases: await getAliases(family.id) };
}

/** The family's aliases as full versions (for the model page header). */
async function getAliases(familyId: string) {
  const rows = await selectVersions(db)
    .where(and(eq(modelVersions.familyId, familyId), or(eq(modelVersions.status, 'production'), eq(modelVersions.status, 'staging'))))
    .orderBy(sql`${sortKeyC} desc`);
  return { production: rows.find((r) => r.status === 'production') ?? null, staging: rows.find((r) => r.status === 'staging') ?? null };
}

import { and, eq, or } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { modelFamilies, modelVersions } from '@/db/schema/registry';
import { NotFoundError } from '@/server/errors';
import { semverSortKey } from './semver-key';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type FamilyRow = typeof modelFamilies.$inferSelect;
export type VersionRow = typeof modelVersions.$inferSelect;

/** The condition "this family row is the one `ref` (an id or a slug) names". */
export const familyRefIs = (ref: string) => (UUID.test(ref) ? or(eq(modelFamilies.id, ref), eq(modelFamilies.slug, ref)) : eq(modelFamilies.slug, ref));

/** Finds a family by id or slug; `lock` takes a row lock that serialises alias changes and new versions per family. */
export async function resolveFamily(tx: DbOrTx, ref: string, opts: { lock?: boolean; field?: string } = {}): Promise<FamilyRow> {
  const query = tx.select().from(modelFamilies).where(familyRefIs(ref)).limit(1);
  const [row] = opts.lock ? await query.for('update') : await query;
  if (!row) throw new NotFoundError(`Model "${ref}" not found`, opts.field ?? 'model_id');
  return row;
}

/** Finds a version of a family by its semantic version (build metadata ignored, as in precedence). */
export async function resolveVersion(tx: DbOrTx, family: FamilyRow, version: string, field = 'version'): Promise<VersionRow> {
  const [row] = await tx
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.familyId, family.id), eq(modelVersions.sortKey, semverSortKey(version))))
    .limit(1);
  if (!row) throw new NotFoundError(`Version ${version} of model "${family.slug}" not found`, field);
  return row;
}

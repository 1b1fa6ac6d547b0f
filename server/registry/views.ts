import { eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '@/db/client';
import { modelFamilies, modelVersions } from '@/db/schema/registry';

/** The columns a version is returned with (never the internal sort key). */
export const parentVersions = alias(modelVersions, 'parent_version');

export const versionColumns = {
  id: modelVersions.id,
  familyId: modelVersions.familyId,
  version: modelVersions.version,
  status: modelVersions.status,
  parentId: modelVersions.parentId,
  parentVersion: parentVersions.version,
  baseModel: modelVersions.baseModel,
  artifactUri: modelVersions.artifactUri,
  artifactSha256: modelVersions.artifactSha256,
  trainingJobId: modelVersions.trainingJobId,
  lineage: modelVersions.lineage,
  config: modelVersions.config,
  metrics: modelVersions.metrics,
  metricDirections: modelVersions.metricDirections,
  tags: modelVersions.tags,
  notes: modelVersions.notes,
  createdBy: modelVersions.createdByLabel,
  createdAt: modelVersions.createdAt,
};

export function selectVersions(tx: DbOrTx) {
  return tx.select(versionColumns).from(modelVersions).leftJoin(parentVersions, eq(parentVersions.id, modelVersions.parentId));
}

export type VersionView = Awaited<ReturnType<ReturnType<typeof selectVersions>['execute']>>[number];

/** Byte-order comparison of sort keys (semver precedence); see semver-key.ts. */
export const sortKeyC = sql`${modelVersions.sortKey} COLLATE "C"`;

export const familyColumns = {
  id: modelFamilies.id,
  slug: modelFamilies.slug,
  displayName: modelFamilies.displayName,
  baseModel: modelFamilies.baseModel,
  specialization: modelFamilies.specialization,
  description: modelFamilies.description,
  owner: modelFamilies.ownerLabel,
  createdAt: modelFamilies.createdAt,
  updatedAt: modelFamilies.updatedAt,
};

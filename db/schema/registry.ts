import { sql } from 'drizzle-orm';
import { type AnyPgColumn, bigserial, index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const versionStatusEnum = pgEnum('version_status', ['registered', 'staging', 'production', 'archived']);
export type VersionStatus = (typeof versionStatusEnum.enumValues)[number];

export const historyKindEnum = pgEnum('history_kind', [
  'created',
  'promoted',
  'demoted',
  'deployed',
  'rolled_back',
  'rollback_requested',
  'rollback_rejected',
  'archived',
  'promotion_requested',
  'promotion_rejected',
]);
export type HistoryKind = (typeof historyKindEnum.enumValues)[number];

export const approvalStatusEnum = pgEnum('approval_status', ['pending', 'approved', 'rejected', 'expired']);
export type ApprovalStatus = (typeof approvalStatusEnum.enumValues)[number];

export const approvalKindEnum = pgEnum('approval_kind', ['rollback', 'promotion']);
export type ApprovalKind = (typeof approvalKindEnum.enumValues)[number];

export type MetricDirection = 'higher' | 'lower';

export const modelFamilies = pgTable(
  'model_families',
  {
    id: uuid().primaryKey().defaultRandom(),
    slug: text().notNull(),
    displayName: text().notNull(),
    baseModel: text().notNull(),
    specialization: text().notNull(),
    description: text().notNull().default(''),
    ownerId: text(),
    ownerLabel: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('model_families_slug_key').on(t.slug)],
);

export interface VersionLineage {
  datasetUri?: string;
  datasetSha256?: string;
  pipelineId?: string;
}

export const modelVersions = pgTable(
  'model_versions',
  {
    id: uuid().primaryKey().defaultRandom(),
    familyId: uuid()
      .notNull()
      .references(() => modelFamilies.id),
    /** The version as given (normalised by semver, build metadata kept). */
    version: text().notNull(),
    /**
     * Byte-ordered key with semver precedence (see server/registry/semver-key.ts); compared with
     * COLLATE "C" so SQL can sort, paginate and find the latest version through an index.
     */
    sortKey: text().notNull(),
    parentId: uuid().references((): AnyPgColumn => modelVersions.id),
    baseModel: text().notNull(),
    status: versionStatusEnum().notNull().default('registered'),
    artifactUri: text(),
    artifactSha256: text(),
    trainingJobId: text(),
    lineage: jsonb().$type<VersionLineage>().notNull().default({}),
    config: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    metrics: jsonb().$type<Record<string, number>>().notNull().default({}),
    metricDirections: jsonb().$type<Record<string, MetricDirection>>().notNull().default({}),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    notes: text().notNull().default(''),
    createdById: text(),
    createdByLabel: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Build metadata does not change precedence, so 1.0.0+a and 1.0.0+b are the same version here.
    uniqueIndex('model_versions_family_sort_key').on(t.familyId, sql`${t.sortKey} COLLATE "C"`),
    uniqueIndex('model_versions_one_production').on(t.familyId).where(sql`${t.status} = 'production'`),
    uniqueIndex('model_versions_one_staging').on(t.familyId).where(sql`${t.status} = 'staging'`),
    index('model_versions_parent_idx').on(t.parentId),
  ],
);

export const modelHistory = pgTable(
  'model_history',
  {
    /** Sequential so events written in one transaction (same `at`) keep their order. */
    id: bigserial({ mode: 'number' }).primaryKey(),
    familyId: uuid()
      .notNull()
      .references(() => modelFamilies.id),
    kind: historyKindEnum().notNull(),
    versionId: uuid().references(() => modelVersions.id),
    /** For alias moves: the version that held the alias before. */
    previousVersionId: uuid().references(() => modelVersions.id),
    stage: versionStatusEnum(),
    actorId: text(),
    actorLabel: text().notNull(),
    reason: text(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('model_history_family_at_idx').on(t.familyId, t.at)],
);

export const approvals = pgTable(
  'approvals',
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: approvalKindEnum().notNull(),
    status: approvalStatusEnum().notNull().default('pending'),
    familyId: uuid()
      .notNull()
      .references(() => modelFamilies.id),
    fromVersionId: uuid().references(() => modelVersions.id),
    toVersionId: uuid()
      .notNull()
      .references(() => modelVersions.id),
    reason: text().notNull(),
    requestedById: text().notNull(),
    requestedByLabel: text().notNull(),
    decidedById: text(),
    decidedByLabel: text(),
    decisionReason: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('approvals_status_created_idx').on(t.status, t.createdAt),
    // One open request of each kind per family: a second one would race the first for the alias.
    uniqueIndex('approvals_one_pending_per_family').on(t.familyId, t.kind).where(sql`${t.status} = 'pending'`),
  ],
);

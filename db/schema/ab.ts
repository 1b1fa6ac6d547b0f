import { boolean, doublePrecision, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { modelFamilies, modelVersions } from './registry';

/**
 * A/B tests of model versions. Definitions (tests, variants, metrics) are written once at creation; the
 * data plane (exposures, per-unit sums, per-variant aggregates) is append/upsert-only and kept as
 * sufficient statistics, so the analysis reads O(variants × metrics) rows whatever the event volume.
 */

export const abTestStatusEnum = pgEnum('ab_test_status', ['draft', 'running', 'stopped']);
export type AbTestStatus = (typeof abTestStatusEnum.enumValues)[number];

export const abMethodEnum = pgEnum('ab_method', ['frequentist', 'sequential', 'bayesian']);
export const abCorrectionEnum = pgEnum('ab_correction', ['none', 'holm', 'bh']);
export const abMetricKindEnum = pgEnum('ab_metric_kind', ['binomial', 'mean', 'ratio']);
export const abMetricRoleEnum = pgEnum('ab_metric_role', ['primary', 'guardrail']);
export const abMetricDirectionEnum = pgEnum('ab_metric_direction', ['increase', 'decrease']);
/** What an accepted `ship` did: moved the production alias, or asked an admin to (registry approval). */
export const abShipOutcomeEnum = pgEnum('ab_ship_outcome', ['promoted', 'approval_requested']);
export type AbShipOutcome = (typeof abShipOutcomeEnum.enumValues)[number];

export const abTests = pgTable(
  'ab_tests',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    familyId: uuid()
      .notNull()
      .references(() => modelFamilies.id),
    /** Random per test: assignment hashes `${salt}:${unit}`, so tests are independent of each other. */
    salt: text().notNull(),
    status: abTestStatusEnum().notNull().default('draft'),
    method: abMethodEnum().notNull(),
    alpha: doublePrecision().notNull(),
    power: doublePrecision().notNull(),
    /** Relative minimum detectable effect, e.g. 0.05. */
    mde: doublePrecision().notNull(),
    minSamplePerVariant: integer().notNull(),
    sequentialTuning: doublePrecision().notNull(),
    correction: abCorrectionEnum().notNull(),
    /** Optional Gaussian prior on the relative lift for the Bayesian read-out; null = flat. */
    priorMean: doublePrecision(),
    priorStdDev: doublePrecision(),
    createdById: text(),
    createdByLabel: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    stoppedAt: timestamp({ withTimezone: true }),
    /** The accepted `ship` decision (at most one per test): which variant, and what the registry did. */
    shippedVariant: text(),
    shippedVersionId: uuid().references(() => modelVersions.id),
    shipOutcome: abShipOutcomeEnum(),
    /** The registry approval asked for when the shipper may not promote to production themselves. */
    shipApprovalId: uuid(),
    shippedById: text(),
    shippedByLabel: text(),
    shippedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('ab_tests_created_at_idx').on(t.createdAt), index('ab_tests_family_idx').on(t.familyId)],
);

export const abVariants = pgTable(
  'ab_variants',
  {
    testId: uuid()
      .notNull()
      .references(() => abTests.id),
    key: text().notNull(),
    versionId: uuid()
      .notNull()
      .references(() => modelVersions.id),
    /** The version string as registered, denormalised so assignment answers without a join. */
    version: text().notNull(),
    weight: doublePrecision().notNull(),
    description: text().notNull().default(''),
    /** 0 is the control. */
    position: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.testId, t.key] }), uniqueIndex('ab_variants_test_position_key').on(t.testId, t.position)],
);

export const abMetrics = pgTable(
  'ab_metrics',
  {
    testId: uuid()
      .notNull()
      .references(() => abTests.id),
    name: text().notNull(),
    kind: abMetricKindEnum().notNull(),
    role: abMetricRoleEnum().notNull(),
    direction: abMetricDirectionEnum().notNull(),
    /** Ratio metrics only: the event metric whose per-unit sum is the denominator. */
    denominator: text(),
    position: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.testId, t.name] })],
);

/** One row per exposed unit: its first assignment (or first event). The variant is the hash's answer. */
export const abExposures = pgTable(
  'ab_exposures',
  {
    testId: uuid()
      .notNull()
      .references(() => abTests.id),
    unit: text().notNull(),
    variant: text().notNull(),
    firstSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.testId, t.unit] })],
);

/**
 * Exposed units per variant, as counters sharded so concurrent writers rarely wait on one row; the
 * count of a variant is the sum over its shards (n of every metric: units without events score 0).
 */
export const abExposureCounts = pgTable(
  'ab_exposure_counts',
  {
    testId: uuid()
      .notNull()
      .references(() => abTests.id),
    variant: text().notNull(),
    shard: integer().notNull(),
    n: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.testId, t.variant, t.shard] })],
);

/**
 * Per-unit running sums of one event metric (a declared metric or a ratio's denominator): `sum` of the
 * unit's values and `positive` = some value was > 0 (the binomial indicator). Aggregates are maintained
 * from the change of these rows, so they equal a from-scratch recomputation over this table.
 */
export const abUnitMetrics = pgTable(
  'ab_unit_metrics',
  {
    testId: uuid()
      .notNull()
      .references(() => abTests.id),
    unit: text().notNull(),
    metric: text().notNull(),
    sum: doublePrecision().notNull().default(0),
    positive: boolean().notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.testId, t.unit, t.metric] })],
);

/**
 * Sufficient statistics per variant and analysed metric, over units (not events). Binomial and mean:
 * sum = Σx, sumSquares = Σx². Ratio: sum/sumSquares are Σx/Σx² of the numerator, plus Σy (sumY),
 * Σy² (sumYSquares), Σxy (sumXy). n is not stored here: every metric's n is the variant's exposure
 * count (units without events score 0). Ingestion updates these rows by the change of each unit's sums.
 */
export const abAggregates = pgTable(
  'ab_aggregates',
  {
    testId: uuid()
      .notNull()
      .references(() => abTests.id),
    variant: text().notNull(),
    metric: text().notNull(),
    sum: doublePrecision().notNull().default(0),
    sumSquares: doublePrecision().notNull().default(0),
    sumY: doublePrecision().notNull().default(0),
    sumYSquares: doublePrecision().notNull().default(0),
    sumXy: doublePrecision().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.testId, t.variant, t.metric] })],
);

/** Idempotency keys of ingested batches: written in the batch's transaction, so a retry is recognised. */
export const abIngestKeys = pgTable(
  'ab_ingest_keys',
  {
    testId: uuid()
      .notNull()
      .references(() => abTests.id),
    idempotencyKey: text().notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    eventCount: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.testId, t.idempotencyKey] })],
);

/** Cumulative relative lift over time (at most one snapshot a minute per test), for the chart. */
export const abLiftSnapshots = pgTable(
  'ab_lift_snapshots',
  {
    testId: uuid()
      .notNull()
      .references(() => abTests.id),
    metric: text().notNull(),
    variant: text().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    relativeEffect: doublePrecision(),
    ciLower: doublePrecision(),
    ciUpper: doublePrecision(),
    n: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.testId, t.at, t.metric, t.variant] }), index('ab_lift_snapshots_test_metric_idx').on(t.testId, t.metric, t.at)],
);

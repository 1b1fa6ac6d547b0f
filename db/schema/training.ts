import { bigint, bigserial, boolean, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Training pipelines (issue #4, orchestration half). A pipeline is a fixed list of stages decided at start
 * (RLAIF on or off); each stage row holds its current attempt, and every transition of a pipeline or a
 * stage is one transaction that checks the state it moves from (`WHERE status = …`), so a duplicate
 * delivery (a retried BullMQ job, a replayed watch event, a second worker) changes nothing.
 *
 * Trainer job tokens are not stored: a token is an HMAC over (pipeline, stage, attempt) keyed with the
 * server secret (server/training/job-token.ts); it is valid only while that stage attempt is running.
 */

export const trainingPipelineStatusEnum = pgEnum('training_pipeline_status', ['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type TrainingPipelineStatus = (typeof trainingPipelineStatusEnum.enumValues)[number];

export const trainingStageStatusEnum = pgEnum('training_stage_status', ['pending', 'queued', 'running', 'succeeded', 'failed', 'skipped', 'cancelled']);
export type TrainingStageStatus = (typeof trainingStageStatusEnum.enumValues)[number];

export const trainingStageNameEnum = pgEnum('training_stage_name', ['prepare', 'sft', 'generate', 'feedback', 'reward_model', 'ppo', 'evaluate', 'register']);
export type TrainingStageName = (typeof trainingStageNameEnum.enumValues)[number];

export const trainingPipelines = pgTable(
  'training_pipelines',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    status: trainingPipelineStatusEnum().notNull().default('queued'),
    /** The validated configuration (server/training/config.ts), as submitted. */
    config: jsonb().$type<Record<string, unknown>>().notNull(),
    /** Model family slug the result is registered under (existing or created at registration). */
    familySlug: text().notNull(),
    rlaif: boolean().notNull(),
    currentStage: trainingStageNameEnum(),
    /** Set when an RLAIF stage failed and the run fell back to evaluating and registering the SFT model. */
    fallbackReason: text(),
    errorCode: text(),
    error: text(),
    /** The registered version (registry ids; no foreign key across domains). */
    resultVersionId: uuid(),
    resultVersion: text(),
    createdById: text(),
    createdByLabel: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('training_pipelines_created_at_idx').on(t.createdAt), index('training_pipelines_status_created_idx').on(t.status, t.createdAt)],
);

export const trainingStages = pgTable(
  'training_stages',
  {
    pipelineId: uuid()
      .notNull()
      .references(() => trainingPipelines.id),
    stage: trainingStageNameEnum().notNull(),
    position: integer().notNull(),
    status: trainingStageStatusEnum().notNull().default('pending'),
    /** 0 until first queued; a retry of the pipeline from this stage increments it. */
    attempt: integer().notNull().default(0),
    /** Kubernetes Job of the current attempt (GPU stages). */
    jobName: text(),
    progress: doublePrecision().notNull().default(0),
    step: integer(),
    totalSteps: integer(),
    /** Why a running GPU stage is not progressing, e.g. "waiting for GPU (2nd in queue)". */
    waiting: text(),
    errorCode: text(),
    error: text(),
    /** Stage output: artifact {uri, sha256}, reports, judge summary… */
    result: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.pipelineId, t.stage] })],
);

/** One row per finished (or abandoned) attempt of a stage: the history a retry leaves behind. */
export const trainingStageAttempts = pgTable(
  'training_stage_attempts',
  {
    pipelineId: uuid()
      .notNull()
      .references(() => trainingPipelines.id),
    stage: trainingStageNameEnum().notNull(),
    attempt: integer().notNull(),
    status: trainingStageStatusEnum().notNull(),
    jobName: text(),
    errorCode: text(),
    error: text(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.pipelineId, t.stage, t.attempt] })],
);

/** Metric time series reported by trainers (loss, reward, kl…), per stage attempt and step. */
export const trainingMetrics = pgTable(
  'training_metrics',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    pipelineId: uuid().notNull(),
    stage: trainingStageNameEnum().notNull(),
    attempt: integer().notNull(),
    name: text().notNull(),
    step: integer().notNull(),
    value: doublePrecision().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('training_metrics_pipeline_idx').on(t.pipelineId, t.stage, t.name, t.step)],
);

/**
 * Log lines from trainers and from the worker stages; the UI shows the tail. Only the newest lines of each
 * stage attempt are kept (server/training/logs.ts): the second index finds an attempt's oldest lines.
 */
export const trainingLogs = pgTable(
  'training_logs',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    pipelineId: uuid().notNull(),
    stage: trainingStageNameEnum().notNull(),
    attempt: integer().notNull(),
    line: text().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('training_logs_pipeline_idx').on(t.pipelineId, t.id), index('training_logs_attempt_idx').on(t.pipelineId, t.stage, t.attempt, t.id)],
);

/**
 * Per stage attempt: how many log lines were written and how many of them were pruned since (retention).
 * Written in the same statement as the lines, so `lines - pruned` is what `training_logs` holds; kept after
 * the lines are gone, so the UI can say how many older lines were pruned.
 */
export const trainingLogCounts = pgTable(
  'training_log_counts',
  {
    pipelineId: uuid().notNull(),
    stage: trainingStageNameEnum().notNull(),
    attempt: integer().notNull(),
    lines: bigint({ mode: 'number' }).notNull().default(0),
    pruned: bigint({ mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.pipelineId, t.stage, t.attempt] })],
);

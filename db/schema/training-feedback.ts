import { bigserial, boolean, doublePrecision, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * AI feedback (the RLAIF `feedback` stage): one run summary per pipeline, one judgement per judged
 * sample, and a cache of judge verdicts keyed by sha256(judge, rubric, mode, prompt, response[s]) shared
 * across pipelines so an identical question is never paid for twice.
 */
export const judgeModeEnum = pgEnum('training_judge_mode', ['pointwise', 'pairwise']);
export const judgementStatusEnum = pgEnum('training_judgement_status', ['judged', 'failed']);
export type JudgementStatus = (typeof judgementStatusEnum.enumValues)[number];

export const trainingFeedbackRuns = pgTable('training_feedback_runs', {
  pipelineId: uuid().primaryKey(),
  judgeModel: text().notNull(),
  /** Base URL of the judge (never the API key). */
  judgeBaseUrl: text().notNull(),
  /** True when no judge was configured and the simulator's judge answered ("simulated judge"). */
  simulated: boolean().notNull(),
  mode: judgeModeEnum().notNull(),
  rubricSha256: text().notNull(),
  samples: integer().notNull().default(0),
  judged: integer().notNull().default(0),
  failed: integer().notNull().default(0),
  cacheHits: integer().notNull().default(0),
  requests: integer().notNull().default(0),
  retries: integer().notNull().default(0),
  promptTokens: integer().notNull().default(0),
  completionTokens: integer().notNull().default(0),
  estimatedCostUsd: doublePrecision().notNull().default(0),
  meanScore: doublePrecision(),
  startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp({ withTimezone: true }),
});

export const trainingJudgements = pgTable(
  'training_judgements',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    pipelineId: uuid().notNull(),
    /** sha256 of the sample (prompt, response[, other response]): a re-run of the stage updates, never duplicates. */
    sampleKey: text().notNull(),
    promptId: text(),
    category: text().notNull(),
    prompt: text().notNull(),
    response: text().notNull(),
    /** Pairwise only: the response compared against (e.g. another sample of the same prompt). */
    otherResponse: text(),
    status: judgementStatusEnum().notNull(),
    /** 1–10 (pointwise), or the position-debiased score of `response` (pairwise: mean over both orders). */
    score: doublePrecision(),
    otherScore: doublePrecision(),
    rationale: text(),
    error: text(),
    cached: boolean().notNull().default(false),
    /** Raw verdicts per order (pairwise) for audit. */
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('training_judgements_sample_uq').on(t.pipelineId, t.sampleKey), index('training_judgements_pipeline_idx').on(t.pipelineId, t.id)],
);
export type TrainingJudgementRow = typeof trainingJudgements.$inferSelect;

export const trainingJudgeCache = pgTable('training_judge_cache', {
  key: text().primaryKey(),
  verdict: jsonb().$type<Record<string, unknown>>().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

import { boolean, doublePrecision, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The `evaluate` stage's judge win rate against the parent version (server/training/judge/win-rate-*.ts):
 * one row per pipeline, pinned to the evaluate attempt that judged. The parent is chosen when the
 * evaluate Job is dispatched (the family's latest version, the one `register` bumps from) and kept
 * here, so the trainer's baseline responses and the judged summary refer to the same version.
 */
export const winRateStatusEnum = pgEnum('training_win_rate_status', ['pending', 'judged', 'no_parent', 'failed']);
export type WinRateStatus = (typeof winRateStatusEnum.enumValues)[number];

/** Per prompt category: the rate and its counts. */
export type WinRateCategory = { winRate: number | null; n: number; wins: number; ties: number; losses: number };

/** What was known about the parent when it was pinned (the registry's view, copied: no cross-domain reads later). */
export type WinRateParentSnapshot = {
  artifactUri: string | null;
  artifactSha256: string | null;
  metrics: Record<string, number>;
  pipelineId: string | null;
  trainedStage: string | null;
};

export const trainingWinRates = pgTable('training_win_rates', {
  pipelineId: uuid().primaryKey(),
  /** The evaluate attempt this row belongs to; a retried evaluate re-pins the parent. */
  attempt: integer().notNull(),
  status: winRateStatusEnum().notNull().default('pending'),
  /** The registry version judged against (null: the family had no version yet). */
  parentVersionId: uuid(),
  parentVersion: text(),
  family: text().notNull(),
  parent: jsonb().$type<WinRateParentSnapshot>(),
  /** Why there is no number: "no parent version …", or the judge's failure. */
  reason: text(),
  judgeModel: text(),
  /** Base URL of the judge (never the API key); "simulated" for the simulator's judge. */
  judgeBaseUrl: text(),
  simulatedJudge: boolean().notNull().default(false),
  /** The evaluate trainer wrote no eval_responses.jsonl: the simulated model server answered for both models. */
  simulatedResponses: boolean().notNull().default(false),
  prompts: integer().notNull().default(0),
  wins: integer().notNull().default(0),
  ties: integer().notNull().default(0),
  losses: integer().notNull().default(0),
  failed: integer().notNull().default(0),
  /** (wins + ties/2) / (wins + ties + losses); failed judgements are left out. */
  winRate: doublePrecision(),
  byCategory: jsonb().$type<Record<string, WinRateCategory>>().notNull().default({}),
  cacheHits: integer().notNull().default(0),
  requests: integer().notNull().default(0),
  retries: integer().notNull().default(0),
  promptTokens: integer().notNull().default(0),
  completionTokens: integer().notNull().default(0),
  /** USD; null when the judge model has no known price. */
  estimatedCostUsd: doublePrecision(),
  startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp({ withTimezone: true }),
});
export type TrainingWinRateRow = typeof trainingWinRates.$inferSelect;

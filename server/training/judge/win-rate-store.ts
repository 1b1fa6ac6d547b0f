import { and, eq, sql } from 'drizzle-orm';
import { db, prepared } from '@/db/client';
import { trainingMetrics } from '@/db/schema/training';
import { trainingWinRates, type TrainingWinRateRow } from '@/db/schema/training-win-rate';
import type { PipelineConfig } from '../config';
import { noParentReason, type ParentVersion, resolveParentVersion } from './parent';
import { estimateCostUsd } from './pricing';
import type { WinRateResult } from './win-rate';

/** The metric the evaluate stage reports (and `register` carries into the version's metrics). */
export const WIN_RATE_METRIC = 'judge_win_rate';

export async function getWinRateRow(pipelineId: string): Promise<TrainingWinRateRow | null> {
  const [row] = await db.select().from(trainingWinRates).where(eq(trainingWinRates.pipelineId, pipelineId)).limit(1);
  return row ?? null;
}

/** A fresh row for an attempt: what the pin writes, or replaces an older attempt's row with. */
const freshRow = {
  pipelineId: sql.placeholder('pipelineId'), attempt: sql.placeholder('attempt'), family: sql.placeholder('family'), status: sql.placeholder('status'),
  parentVersionId: sql.placeholder('parentVersionId'), parentVersion: sql.placeholder('parentVersion'), parent: sql`${sql.placeholder('parent')}::jsonb`, reason: sql.placeholder('reason'),
  judgeModel: null, judgeBaseUrl: null, simulatedJudge: false, simulatedResponses: false,
  prompts: 0, wins: 0, ties: 0, losses: 0, failed: 0, winRate: null, byCategory: {},
  cacheHits: 0, requests: 0, retries: 0, promptTokens: 0, completionTokens: 0, estimatedCostUsd: null,
  // Nullable values the column encoders would choke on are passed as they are (a Date, a JSON text or null).
  startedAt: sql`now()`, finishedAt: sql`${sql.placeholder('finishedAt')}::timestamptz`,
};

// Built once: it runs on the way from a finished Job to the evaluate Job, where the builder's work showed.
const pinStatement = prepared((database) =>
  database
    .insert(trainingWinRates)
    .values(freshRow)
    // set's type admits no placeholders, though they are filled in there exactly as in values().
    .onConflictDoUpdate({ target: trainingWinRates.pipelineId, set: freshRow as unknown as Partial<typeof trainingWinRates.$inferInsert>, setWhere: sql`${trainingWinRates.attempt} < excluded.attempt` })
    .returning()
    .prepare('training_pin_win_rate_parent'),
);

/**
 * Pins the parent of evaluate attempt `attempt`: the first call for an attempt asks the registry and
 * stores the answer; every later call (a re-applied Job, the worker's judging, a re-run) gets the same
 * row, so the trainer's baseline and the judged summary refer to one version. A newer attempt (a retry
 * of the pipeline) asks again and starts from a clean row.
 */
export async function pinWinRateParent(pipeline: { id: string; familySlug: string; config: unknown; parentLookup?: Promise<ParentVersion | null | undefined> }, attempt: number): Promise<TrainingWinRateRow> {
  // The registry (often asked already, while the previous stage's completion was being written), then one
  // upsert that only replaces an older attempt's row. A later call for the same attempt reads the pinned row back.
  const looked = await pipeline.parentLookup;
  const parent = looked !== undefined ? looked : await resolveParentVersion(pipeline.config as PipelineConfig);
  // Two dispatches of one attempt racing: the first insert wins, the other re-reads it.
  const [pinned] = await pinStatement().execute({
    pipelineId: pipeline.id, attempt, family: pipeline.familySlug,
    status: parent ? 'pending' : 'no_parent',
    parentVersionId: parent?.versionId ?? null, parentVersion: parent?.version ?? null, parent: parent ? JSON.stringify(parent.snapshot) : null,
    reason: parent ? null : noParentReason(pipeline.familySlug),
    finishedAt: parent ? null : new Date(),
  });
  return pinned ?? (await getWinRateRow(pipeline.id))!;
}

export interface JudgeUsage {
  judgeModel: string;
  judgeBaseUrl: string;
  simulatedJudge: boolean;
  requests: number;
  retries: number;
  promptTokens: number;
  completionTokens: number;
  cacheHits: number;
}

/**
 * Adds one judging run's usage to the attempt's totals (every BullMQ retry of the attempt spent
 * something) and recomputes the cost from the totals.
 */
async function addUsage(pipelineId: string, attempt: number, usage: JudgeUsage, more: Partial<typeof trainingWinRates.$inferInsert>) {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(trainingWinRates).where(and(eq(trainingWinRates.pipelineId, pipelineId), eq(trainingWinRates.attempt, attempt))).for('update');
    if (!row) return;
    const promptTokens = row.promptTokens + usage.promptTokens;
    const completionTokens = row.completionTokens + usage.completionTokens;
    await tx
      .update(trainingWinRates)
      .set({
        judgeModel: usage.judgeModel, judgeBaseUrl: usage.judgeBaseUrl, simulatedJudge: usage.simulatedJudge,
        requests: row.requests + usage.requests, retries: row.retries + usage.retries, cacheHits: usage.cacheHits, promptTokens, completionTokens,
        estimatedCostUsd: estimateCostUsd(usage.judgeModel, promptTokens, completionTokens, usage.simulatedJudge),
        ...more,
      })
      .where(eq(trainingWinRates.pipelineId, pipelineId));
  });
}

/**
 * Stores the judged summary and the `judge_win_rate` metric of the evaluate attempt, in one
 * transaction; a re-run replaces both (the metric row is deleted and written again, never doubled).
 */
export async function saveWinRate(pipelineId: string, attempt: number, step: number, result: WinRateResult, usage: JudgeUsage, simulatedResponses: boolean) {
  await addUsage(pipelineId, attempt, usage, {
    status: 'judged', reason: null, simulatedResponses, prompts: result.wins + result.ties + result.losses + result.failed,
    wins: result.wins, ties: result.ties, losses: result.losses, failed: result.failed, winRate: result.winRate, byCategory: result.byCategory, finishedAt: new Date(),
  });
  await db.transaction(async (tx) => {
    const where = and(eq(trainingMetrics.pipelineId, pipelineId), eq(trainingMetrics.stage, 'evaluate'), eq(trainingMetrics.attempt, attempt), eq(trainingMetrics.name, WIN_RATE_METRIC));
    await tx.delete(trainingMetrics).where(where);
    if (result.winRate !== null) await tx.insert(trainingMetrics).values({ pipelineId, stage: 'evaluate', attempt, name: WIN_RATE_METRIC, step, value: result.winRate });
  });
}

/** A judging run that gave up: its usage counts; on the attempt's last try the row says why there is no number. */
export async function recordWinRateFailure(pipelineId: string, attempt: number, usage: JudgeUsage | null, reason: string | null) {
  const final = reason === null ? {} : { status: 'failed' as const, reason, winRate: null, finishedAt: new Date() };
  if (usage) await addUsage(pipelineId, attempt, usage, final);
  else if (reason !== null) await db.update(trainingWinRates).set(final).where(and(eq(trainingWinRates.pipelineId, pipelineId), eq(trainingWinRates.attempt, attempt)));
}

/** Marks a judging run as started (the judge it uses), keeping the attempt's usage so far. */
export async function startWinRateRun(pipelineId: string, attempt: number, judge: Pick<JudgeUsage, 'judgeModel' | 'judgeBaseUrl' | 'simulatedJudge'>, simulatedResponses: boolean) {
  await db
    .update(trainingWinRates)
    .set({ ...judge, simulatedResponses, status: 'pending', reason: null, finishedAt: null })
    .where(and(eq(trainingWinRates.pipelineId, pipelineId), eq(trainingWinRates.attempt, attempt)));
}

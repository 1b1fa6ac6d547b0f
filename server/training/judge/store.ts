import { eq, sql } from 'drizzle-orm';
import { db, relaxedDb } from '@/db/client';
import { trainingFeedbackRuns, trainingJudgeCache, trainingJudgements } from '@/db/schema/training-feedback';
import { verdictSchema, type Verdict } from './client';
import type { Judgement, VerdictCache } from './judge';

/** The verdict cache in Postgres, shared by all pipelines and workers. */
export const dbVerdictCache: VerdictCache = {
  async get(key) {
    const [row] = await db.select({ verdict: trainingJudgeCache.verdict }).from(trainingJudgeCache).where(eq(trainingJudgeCache.key, key)).limit(1);
    const parsed = row ? verdictSchema.safeParse(row.verdict) : null;
    return parsed?.success ? parsed.data : null;
  },
  // A cache: a verdict lost in a database crash is asked for again.
  async set(key, verdict: Verdict) {
    await relaxedDb.insert(trainingJudgeCache).values({ key, verdict }).onConflictDoNothing();
  },
};

export type FeedbackRunStart = Omit<typeof trainingFeedbackRuns.$inferInsert, 'startedAt' | 'finishedAt'>;

/** Starts (or restarts, for a re-run of the stage) the run summary row. */
export async function startFeedbackRun(values: FeedbackRunStart) {
  await db
    .insert(trainingFeedbackRuns)
    .values(values)
    .onConflictDoUpdate({
      target: trainingFeedbackRuns.pipelineId,
      set: { ...values, startedAt: sql`now()`, finishedAt: null },
    });
}

export async function finishFeedbackRun(pipelineId: string, values: Partial<typeof trainingFeedbackRuns.$inferInsert>) {
  await db.update(trainingFeedbackRuns).set({ ...values, finishedAt: new Date() }).where(eq(trainingFeedbackRuns.pipelineId, pipelineId));
}

/** Stores one judgement; a re-run of the stage replaces the sample's previous judgement (never a duplicate). */
export async function saveJudgement(pipelineId: string, j: Judgement) {
  const values = { pipelineId, ...j };
  await db
    .insert(trainingJudgements)
    .values(values)
    .onConflictDoUpdate({
      target: [trainingJudgements.pipelineId, trainingJudgements.sampleKey],
      set: { status: j.status, score: j.score, otherScore: j.otherScore, rationale: j.rationale, error: j.error, cached: j.cached, detail: j.detail, createdAt: sql`now()` },
    });
}

import { eq, sql } from 'drizzle-orm';
import { arrayColumns } from '@/db/array-columns';
import { tickBatch } from '@/server/tick-batch';
import { db, relaxedDb } from '@/db/client';
import { trainingFeedbackRuns, trainingJudgeCache, trainingJudgements } from '@/db/schema/training-feedback';
import { verdictSchema, type Verdict } from './client';
import type { Judgement, VerdictCache } from './judge';

/* A judging run asks for all its verdicts at once and stores them as answers arrive: lookups and stores made
 * in the same turn of the event loop go to the database together (server/tick-batch.ts). */
const lookUp = tickBatch(async (keys: string[]) => {
  const rows = await db.select({ key: trainingJudgeCache.key, verdict: trainingJudgeCache.verdict }).from(trainingJudgeCache).where(sql`${trainingJudgeCache.key} = any(${sql.param([...new Set(keys)])}::text[])`);
  const found = new Map(rows.map((r) => [r.key, r.verdict]));
  return keys.map((k) => found.get(k));
});
// A cache: a verdict lost in a database crash is asked for again.
const store = tickBatch(async (entries: { key: string; verdict: Verdict }[]) => {
  const unique = [...new Map(entries.map((e) => [e.key, { key: e.key, verdict: JSON.stringify(e.verdict) }])).values()];
  const col = arrayColumns(unique);
  await relaxedDb.execute(sql`insert into training_judge_cache (key, verdict) select * from unnest(${col('key')}::text[], ${col('verdict')}::jsonb[]) on conflict do nothing`);
  return entries.map(() => undefined);
});

/** The verdict cache in Postgres, shared by all pipelines and workers. */
export const dbVerdictCache: VerdictCache = {
  async get(key) {
    const stored = await lookUp(key);
    const parsed = stored === undefined ? null : verdictSchema.safeParse(stored);
    return parsed?.success ? parsed.data : null;
  },
  async set(key, verdict: Verdict) {
    await store({ key, verdict });
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

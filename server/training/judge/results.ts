import { asc, eq } from 'drizzle-orm';
import { db } from '@/db/client';
import { trainingFeedbackRuns, trainingJudgements } from '@/db/schema/training-feedback';
import { estimateCostUsd } from './pricing';
import { SIMULATED_JUDGE_LABEL } from './endpoint';
import { summarizeScores, type ScoreSummary } from './summary';

export interface JudgeResultsView {
  run: {
    judgeModel: string;
    judgeLabel: string;
    simulated: boolean;
    mode: 'pointwise' | 'pairwise';
    samples: number;
    judged: number;
    failed: number;
    cacheHits: number;
    requests: number;
    retries: number;
    promptTokens: number;
    completionTokens: number;
    estimatedCostUsd: number | null;
    startedAt: string;
    finishedAt: string | null;
  } | null;
  summary: ScoreSummary;
  rows: Array<{ id: number; promptId: string | null; category: string; prompt: string; response: string; otherResponse: string | null; status: 'judged' | 'failed'; score: number | null; rationale: string | null; error: string | null; cached: boolean }>;
  /** Rows were cut at `limit`. */
  truncated: boolean;
}

/** What the judge-results panel shows for a pipeline: run usage and cost, histogram, per-category means, samples. */
export async function getJudgeResults(pipelineId: string, limit = 500): Promise<JudgeResultsView> {
  const [run] = await db.select().from(trainingFeedbackRuns).where(eq(trainingFeedbackRuns.pipelineId, pipelineId)).limit(1);
  const rows = await db
    .select({
      id: trainingJudgements.id, promptId: trainingJudgements.promptId, category: trainingJudgements.category, prompt: trainingJudgements.prompt, response: trainingJudgements.response,
      otherResponse: trainingJudgements.otherResponse, status: trainingJudgements.status, score: trainingJudgements.score, rationale: trainingJudgements.rationale, error: trainingJudgements.error, cached: trainingJudgements.cached,
    })
    .from(trainingJudgements)
    .where(eq(trainingJudgements.pipelineId, pipelineId))
    .orderBy(asc(trainingJudgements.id));
  return {
    run: run
      ? {
          judgeModel: run.judgeModel, judgeLabel: run.simulated ? SIMULATED_JUDGE_LABEL : `${run.judgeModel} at ${run.judgeBaseUrl}`, simulated: run.simulated, mode: run.mode,
          samples: run.samples, judged: run.judged, failed: run.failed, cacheHits: run.cacheHits, requests: run.requests, retries: run.retries,
          promptTokens: run.promptTokens, completionTokens: run.completionTokens,
          estimatedCostUsd: estimateCostUsd(run.judgeModel, run.promptTokens, run.completionTokens, run.simulated),
          startedAt: run.startedAt.toISOString(), finishedAt: run.finishedAt?.toISOString() ?? null,
        }
      : null,
    summary: summarizeScores(rows),
    rows: rows.slice(0, limit),
    truncated: rows.length > limit,
  };
}

import type { z } from 'zod';
import type { TrainingWinRateRow } from '@/db/schema/training-win-rate';
import type { winRateView } from '../responses';
import { SIMULATED_JUDGE_LABEL } from './endpoint';
import { getWinRateRow } from './win-rate-store';

/** The win rate against the parent, as the pipeline page, tRPC and the REST status show it (shape: ../responses.ts). */
export type WinRateView = z.infer<typeof winRateView>;

export function toWinRateView(row: TrainingWinRateRow): WinRateView {
  return {
    status: row.status, attempt: row.attempt, family: row.family, parentVersion: row.parentVersion, parentVersionId: row.parentVersionId, reason: row.reason,
    winRate: row.winRate, wins: row.wins, ties: row.ties, losses: row.losses, failed: row.failed,
    byCategory: Object.entries(row.byCategory).map(([category, c]) => ({ category, ...c })).sort((a, b) => a.category.localeCompare(b.category)),
    judge: row.judgeModel ? { model: row.judgeModel, label: row.simulatedJudge ? SIMULATED_JUDGE_LABEL : `${row.judgeModel} at ${row.judgeBaseUrl}`, simulated: row.simulatedJudge } : null,
    simulatedResponses: row.simulatedResponses,
    usage: { requests: row.requests, retries: row.retries, cacheHits: row.cacheHits, promptTokens: row.promptTokens, completionTokens: row.completionTokens },
    estimatedCostUsd: row.estimatedCostUsd,
    startedAt: row.startedAt.toISOString(), finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** Null until the pipeline's evaluate stage was dispatched. */
export async function getWinRate(pipelineId: string): Promise<WinRateView | null> {
  const row = await getWinRateRow(pipelineId);
  return row ? toWinRateView(row) : null;
}

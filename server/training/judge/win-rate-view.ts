import type { TrainingWinRateRow } from '@/db/schema/training-win-rate';
import { SIMULATED_JUDGE_LABEL } from './endpoint';
import { getWinRateRow } from './win-rate-store';

/** The win rate against the parent, as the pipeline page, tRPC and the REST status show it. */
export interface WinRateView {
  /** pending: being judged (or the evaluate Job still runs); judged; no_parent: first version of its family; failed: not measured (reason). */
  status: TrainingWinRateRow['status'];
  attempt: number;
  family: string;
  parentVersion: string | null;
  parentVersionId: string | null;
  reason: string | null;
  winRate: number | null;
  wins: number;
  ties: number;
  losses: number;
  failed: number;
  byCategory: Array<{ category: string; winRate: number | null; n: number; wins: number; ties: number; losses: number }>;
  judge: { model: string; label: string; simulated: boolean } | null;
  simulatedResponses: boolean;
  usage: { requests: number; retries: number; cacheHits: number; promptTokens: number; completionTokens: number };
  estimatedCostUsd: number | null;
  startedAt: string;
  finishedAt: string | null;
}

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

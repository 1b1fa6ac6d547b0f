import type { TrainingWinRateRow, WinRateCategory } from '@/db/schema/training-win-rate';
import { ValidationError } from '@/server/errors';
import type { PipelineConfig } from '../config';
import { JudgeClient, type JudgeClientOptions, type JudgeEndpoint } from './client';
import { judgeIdentity, resolveJudgeEndpoint, SIMULATED_JUDGE_LABEL } from './endpoint';
import { readEvalResponses } from './eval-responses';
import type { VerdictCache } from './judge';
import { rubricFor } from './rubrics';
import { simulateEvalResponses } from './simulated-eval-responses';
import { assertSimulatedResponsesAllowed } from './simulated-responses-guard';
import { dbVerdictCache } from './store';
import { judgeWinRate, type WinRateItem } from './win-rate';
import { recordWinRateFailure, saveWinRate, startWinRateRun, type JudgeUsage } from './win-rate-store';

export interface WinRateStageInput {
  pipelineId: string;
  attempt: number;
  config: Pick<PipelineConfig, 'specialization' | 'evalPrompts' | 'rlaif'>;
  /** The attempt's pinned row (./win-rate-store.ts `pinWinRateParent`). */
  row: TrainingWinRateRow;
  /** The evaluate trainer's artifact directory (where it wrote eval_responses.jsonl), if it reported one. */
  artifactUri: string | undefined;
  /** Which model was evaluated ('ppo', or 'sft' without RLAIF / after a fallback): the simulated candidate's quality. */
  modelStage: string;
  /** Step the judge_win_rate metric is recorded at (the stage's last step). */
  step: number;
  log: (line: string) => void | Promise<void>;
  /** Tests: a fixed endpoint, retry policy, sleep and cache. */
  endpoint?: JudgeEndpoint;
  clientOptions?: JudgeClientOptions;
  cache?: VerdictCache;
}

/** What the evaluate stage's result and the REST status carry. */
export interface WinRateSummary {
  status: 'judged' | 'no_parent';
  parentVersion: string | null;
  parentVersionId: string | null;
  winRate: number | null;
  wins: number;
  ties: number;
  losses: number;
  failed: number;
  byCategory: Record<string, WinRateCategory>;
  judge: { model: string; simulated: boolean; label: string } | null;
  simulatedResponses: boolean;
  reason: string | null;
}

const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 1000) / 10} %`);

/**
 * The evaluate stage's judge win rate against the parent version, run by the worker once the evaluate
 * Job has succeeded: the trainer's eval_responses.jsonl (candidate and baseline answers per prompt) or,
 * without one, simulated responses (labelled), judged pairwise in both orders through the same judge
 * client, configuration, verdict cache and concurrency limit as the feedback stage; usage and cost are
 * recorded per pipeline. Idempotent: a re-run answers from the verdict cache and replaces the stored
 * summary and metric. Throws when the judge stays unavailable or no pair could be judged: the caller
 * retries and, on the last try, fails the stage (../evaluate-judging.ts) — it never stores a number it
 * did not measure.
 */
export async function runWinRateJudging(input: WinRateStageInput): Promise<WinRateSummary> {
  const { pipelineId, attempt, row, config, log } = input;
  if (row.status === 'no_parent' || !row.parentVersion) {
    const reason = row.reason ?? 'no parent version';
    await log(`win rate: ${reason}`);
    return { status: 'no_parent', parentVersion: null, parentVersionId: null, winRate: null, wins: 0, ties: 0, losses: 0, failed: 0, byCategory: {}, judge: null, simulatedResponses: false, reason };
  }
  const parent = { version: row.parentVersion, snapshot: row.parent ?? { artifactUri: null, artifactSha256: null, metrics: {}, pipelineId: null, trainedStage: null } };

  let items: WinRateItem[] | null = input.artifactUri ? await readEvalResponses(input.artifactUri) : null;
  const simulatedResponses = items === null;
  if (items === null) {
    await assertSimulatedResponsesAllowed('evaluate', 'eval_responses.jsonl', input.artifactUri);
    const sim = await simulateEvalResponses(pipelineId, config, input.modelStage, parent);
    items = sim.items;
    await log(`no eval_responses.jsonl from the evaluate trainer: simulated responses of this model (quality ${sim.candidateQuality}) and of ${parent.version} (quality ${sim.parentQuality}) with the simulated model server`);
  }
  if (items.length === 0) throw new ValidationError('evaluate: eval_responses.jsonl has no responses to judge', 'evalResponses');

  const judgeCfg = config.rlaif.judge;
  const endpoint = input.endpoint ?? (await resolveJudgeEndpoint(judgeCfg));
  const label = endpoint.simulated ? SIMULATED_JUDGE_LABEL : `${endpoint.model} at ${endpoint.baseUrl}`;
  const judge = { judgeModel: endpoint.model, judgeBaseUrl: endpoint.simulated ? 'simulated' : endpoint.baseUrl, simulatedJudge: endpoint.simulated };
  await startWinRateRun(pipelineId, attempt, judge, simulatedResponses);
  await log(`judging ${items.length} prompts against ${parent.version} with ${label} (pairwise, both orders, concurrency ${judgeCfg.concurrency})`);

  const client = new JudgeClient(endpoint, input.clientOptions);
  const usage = (cacheHits: number): JudgeUsage => ({ ...judge, cacheHits, requests: client.stats.requests, retries: client.stats.retries, promptTokens: client.stats.promptTokens, completionTokens: client.stats.completionTokens });
  let result;
  try {
    result = await judgeWinRate({ client, judgeId: judgeIdentity(endpoint), rubric: rubricFor(config), items, concurrency: judgeCfg.concurrency, cache: input.cache ?? dbVerdictCache });
    if (result.winRate === null) throw new Error(`none of the ${result.failed} judgements against ${parent.version} succeeded (malformed answers are not guessed); see the log`);
  } catch (error) {
    // What this try spent counts; the caller records why there is no number if it gives up.
    await recordWinRateFailure(pipelineId, attempt, usage(result?.cacheHits ?? 0), null);
    await log(`judge win rate against ${parent.version} not measured: ${(error as Error).message}`);
    throw error;
  }
  await saveWinRate(pipelineId, attempt, input.step, result, usage(result.cacheHits), simulatedResponses);
  await log(
    `win rate against ${parent.version}: ${pct(result.winRate)} (${result.wins} wins, ${result.ties} ties, ${result.losses} losses, ${result.failed} failed); ` +
      `${client.stats.requests} requests, ${client.stats.retries} retries, ${result.cacheHits} cache hits`,
  );
  return {
    status: 'judged', parentVersion: parent.version, parentVersionId: row.parentVersionId, winRate: result.winRate,
    wins: result.wins, ties: result.ties, losses: result.losses, failed: result.failed, byCategory: result.byCategory,
    judge: { model: endpoint.model, simulated: endpoint.simulated, label }, simulatedResponses, reason: null,
  };
}

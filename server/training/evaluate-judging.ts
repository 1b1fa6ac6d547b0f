import { and, eq } from 'drizzle-orm';
import { db } from '@/db/client';
import { trainingPipelines, trainingStages } from '@/db/schema/training';
import { logger } from '@/server/logger';
import type { PipelineConfig } from './config';
import { enqueueStage } from './dispatch';
import { JudgeUnavailableError } from './judge/client';
import { runWinRateJudging } from './judge/win-rate-stage';
import { pinWinRateParent, recordWinRateFailure } from './judge/win-rate-store';
import { withJudgeSlot } from './slots';
import { isPermanentStageError } from './stage-errors';
import { appendLog, completeStage, failStage, stageState, type NextStage } from './transitions';

const log = logger.child({ component: 'training' });

/**
 * The worker half of the `evaluate` stage. The watcher sees the evaluate Job complete and enqueues this
 * (instead of completing the stage): the judge win rate against the parent version is measured here, in a
 * worker, and only then does the stage succeed — with the summary in its result and `judge_win_rate`
 * among its metrics, which `register` carries into the version.
 *
 * Idempotent like every stage job: nothing happens unless the attempt is still running; verdicts come
 * from the cache on a re-run; the summary and the metric are replaced, not added.
 *
 * When the judge cannot give a number (unavailable after its retries — e.g. 429 forever — or every answer
 * malformed) the stage FAILS with that cause in plain words, after the queue's retries, rather than
 * registering a version without its win rate: such a version would silently inherit the parent's
 * `judge_win_rate` (the registry merges a parent's metrics into its child), i.e. show a number nobody
 * measured. The trained artifacts stay; "retry" resumes at evaluate and the verdicts already paid for
 * come from the cache. A first version (no parent) has no win rate, with that reason, and succeeds.
 */
export async function runEvaluateJudging(ref: NextStage, opts: { finalAttempt: boolean }): Promise<{ outcome: string }> {
  const { pipelineId, attempt } = ref;
  const state = await stageState(pipelineId, 'evaluate');
  if (!state || state.pipelineStatus !== 'running' || state.stage.attempt !== attempt || state.stage.status !== 'running') return { outcome: 'skipped (not running)' };
  const [pipeline] = await db.select().from(trainingPipelines).where(eq(trainingPipelines.id, pipelineId));
  const config = pipeline.config as unknown as PipelineConfig;
  const write = async (line: string) => appendLog(pipelineId, 'evaluate', attempt, line);
  const artifact = (state.stage.result as { artifact?: { uri?: string } }).artifact;
  // The model evaluated, as dispatch chose it: PPO's policy when PPO succeeded, else the SFT adapter.
  const [ppo] = await db.select({ status: trainingStages.status }).from(trainingStages).where(and(eq(trainingStages.pipelineId, pipelineId), eq(trainingStages.stage, 'ppo')));
  let parentVersion: string | null = null;
  try {
    // Pinned when the Job was dispatched; pinned now for a Job dispatched before this existed.
    const row = await pinWinRateParent(pipeline, attempt);
    parentVersion = row.parentVersion;
    const winRate = await withJudgeSlot(() =>
      runWinRateJudging({
        pipelineId, attempt, config, row, artifactUri: artifact?.uri, modelStage: ppo?.status === 'succeeded' ? 'ppo' : 'sft',
        step: state.stage.totalSteps ?? state.stage.step ?? 0, log: write,
      }),
    );
    const moved = await completeStage(pipelineId, 'evaluate', attempt, { winRate });
    if (moved?.next) await enqueueStage(moved.next, config.priority);
    return { outcome: moved ? 'completed' : 'completed elsewhere' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const domain = isPermanentStageError(error);
    if (opts.finalAttempt || domain) {
      log.warn({ pipelineId, attempt, err: error }, 'evaluate judging failed');
      const reason = `judge win rate${parentVersion ? ` against ${parentVersion}` : ''} not measured: ${message}`;
      await recordWinRateFailure(pipelineId, attempt, null, reason);
      const code = error instanceof JudgeUnavailableError ? 'judge_unavailable' : domain ? 'invalid' : 'error';
      const moved = await failStage(pipelineId, 'evaluate', attempt, { code, message: reason });
      if (moved?.next) await enqueueStage(moved.next, config.priority);
      return { outcome: 'failed' };
    }
    await write(`[neuroweaver] evaluate judging hit an error, will retry: ${message}`).catch(() => undefined);
    throw error;
  }
}

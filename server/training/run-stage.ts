import type { RequestMeta } from '@/server/auth/actor';
import { logger } from '@/server/logger';
import type { PipelineConfig } from './config';
import { runPrepareStage } from './dataset';
import { applyStageJob, type DispatchPipeline, enqueueStage, ensureStageJob, gpuStageConfig } from './dispatch';
import { readGeneratedSamples, runFeedbackStage } from './judge';
import { runRegisterStage } from './register-stage';
import { slots, withJudgeSlot } from './slots';
import { isPermanentStageError } from './stage-errors';
import { stageKind, type StageName } from './stages';
import { publishPipelineChanged } from './live-channel';
import { appendLog, completeStage, failStage, markStageRunning, type NextStage, type PipelineRow } from './transitions';
import { and, eq } from 'drizzle-orm';
import { db } from '@/db/client';
import { trainingStages } from '@/db/schema/training';
import { trainingJobNames } from '@/server/cluster';

const log = logger.child({ component: 'training' });

/** At most this many register stages at once: each holds a connection for its lock while the registry takes another. */
const withRegisterSlot = slots(4);

async function runWorkerStage(meta: RequestMeta, pipeline: PipelineRow, stage: StageName, attempt: number): Promise<Record<string, unknown>> {
  const config = pipeline.config as unknown as PipelineConfig;
  // Worker stages report progress as log lines (the feedback stage every few judgements): tell open pages.
  const write = async (line: string) => {
    await appendLog(pipeline.id, stage, attempt, line);
    if (stage === 'feedback') publishPipelineChanged(pipeline.id, 'logs', 'judge');
    else publishPipelineChanged(pipeline.id, 'logs');
  };
  switch (stage) {
    case 'prepare':
      return (await runPrepareStage({ pipelineId: pipeline.id, config, log: write })) as unknown as Record<string, unknown>;
    case 'feedback': {
      // The generate stage's responses (responses.jsonl in its artifact directory), when its trainer wrote them;
      // otherwise (the simulated trainer writes none) the feedback stage produces responses itself.
      const [generate] = await db.select({ result: trainingStages.result }).from(trainingStages).where(and(eq(trainingStages.pipelineId, pipeline.id), eq(trainingStages.stage, 'generate')));
      const artifact = (generate?.result as { artifact?: { uri?: string } } | undefined)?.artifact;
      const samples = artifact?.uri ? ((await readGeneratedSamples(artifact.uri)) ?? undefined) : undefined;
      return (await withJudgeSlot(() => runFeedbackStage({ pipelineId: pipeline.id, config, samples, artifactUri: artifact?.uri, log: write }))) as unknown as Record<string, unknown>;
    }
    case 'register':
      return withRegisterSlot(() => runRegisterStage(meta, pipeline, write));
    default:
      throw new Error(`${stage} is not a worker stage`);
  }
}

export interface RunStageOptions {
  /** Whether this is the queue's last attempt: a failure then fails the stage instead of being retried. */
  finalAttempt: boolean;
}

/**
 * One BullMQ job = one stage attempt. Idempotent: it does nothing unless the attempt is queued or running
 * in a running pipeline. Worker stages run here and complete in one transaction; GPU stages apply their
 * Job (deterministic name, server-side apply) and return — the watcher (./watcher.ts) completes them.
 */
export async function runStage(meta: RequestMeta, ref: NextStage, opts: RunStageOptions, known?: DispatchPipeline): Promise<{ outcome: string }> {
  const { pipelineId, stage, attempt } = ref;
  const kind = stageKind(stage);
  const jobName = kind === 'gpu' ? trainingJobNames({ pipelineId, stage, attempt }).job : null;
  // A GPU stage's Job configuration is read alongside the claim when the pipeline is known (the watcher's
  // direct dispatch, where every round trip adds to the transition delay); it is only used if the claim holds.
  const [running, stageConfig] = await Promise.all([markStageRunning(pipelineId, stage, attempt, jobName), kind === 'gpu' && known ? gpuStageConfig(known, stage, attempt) : undefined]);
  if (!running) return { outcome: 'skipped (not queued)' };
  try {
    if (kind === 'gpu') {
      // Already running: dispatched by the watcher, or by an earlier run of this job that died. A Job that
      // exists is left alone (its token Secret made sure of); one that does not (killed between the two steps) is created now.
      if (running.alreadyRunning && (await ensureStageJob({ pipelineId, stage, attempt }))) return { outcome: 'job exists' };
      await Promise.all([applyStageJob(running.pipeline, stage, attempt, stageConfig), running.logged]);
      return { outcome: running.alreadyRunning ? 'job re-applied' : 'job created' };
    }
    await running.logged;
    const result = await runWorkerStage(meta, running.pipeline, stage, attempt);
    const moved = await completeStage(pipelineId, stage, attempt, result);
    if (moved?.next) await enqueueStage(moved.next, (running.pipeline.config as unknown as PipelineConfig).priority);
    return { outcome: moved ? 'completed' : 'completed elsewhere' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const domain = isPermanentStageError(error);
    if (opts.finalAttempt || domain) {
      log.warn({ pipelineId, stage, attempt, err: error }, 'training stage failed');
      const moved = await failStage(pipelineId, stage, attempt, { code: domain ? 'invalid' : 'error', message });
      if (moved?.next) await enqueueStage(moved.next, (running.pipeline.config as unknown as PipelineConfig).priority);
      return { outcome: 'failed' };
    }
    await appendLog(pipelineId, stage, attempt, `[neuroweaver] ${stage} hit an error, will retry: ${message}`).then(() => publishPipelineChanged(pipelineId, 'logs'), () => undefined);
    throw error;
  }
}

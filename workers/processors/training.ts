import { runEvaluateJudging } from '@/server/training/evaluate-judging';
import { runStage } from '@/server/training/run-stage';
import type { QueueProcessor } from '../register';

/**
 * Training pipeline stages (server/training). Each job is one stage attempt and is idempotent; the last
 * BullMQ attempt turns a failure into the stage's failure (which may fall back from RLAIF to SFT).
 */
export const trainingProcessor: QueueProcessor<'training'> = async ({ name, payload, job, meta }) => {
  const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  switch (name) {
    case 'run-stage':
      return runStage(meta, payload, { finalAttempt });
    case 'judge-evaluation':
      return runEvaluateJudging(payload, { finalAttempt });
    default:
      return assertNever(name);
  }
};

function assertNever(value: never): never {
  throw new Error(`Unhandled job ${String(value)}`);
}

import type { TrainingStageName } from '@/db/schema/training';

/**
 * The stages of a pipeline, in order, and where each runs: `worker` stages run inside a BullMQ worker,
 * `gpu` stages are Kubernetes Jobs (server/cluster) followed by a watch. Pure data: safe in the browser.
 */
export const STAGES = ['prepare', 'sft', 'generate', 'feedback', 'reward_model', 'ppo', 'evaluate', 'register'] as const satisfies readonly TrainingStageName[];
export type StageName = (typeof STAGES)[number];

export const GPU_STAGES: ReadonlySet<StageName> = new Set(['sft', 'generate', 'reward_model', 'ppo', 'evaluate']);
/** Optional per run; a failure of one of them after its retries falls back to evaluating the SFT model. */
export const RLAIF_STAGES: ReadonlySet<StageName> = new Set(['generate', 'feedback', 'reward_model', 'ppo']);

export const STAGE_LABELS: Record<StageName, string> = {
  prepare: 'Prepare dataset',
  sft: 'Supervised fine-tuning (QLoRA)',
  generate: 'Generate responses',
  feedback: 'AI feedback (judge)',
  reward_model: 'Reward model',
  ppo: 'PPO',
  evaluate: 'Evaluate',
  register: 'Register version',
};

export const stageKind = (stage: StageName): 'gpu' | 'worker' => (GPU_STAGES.has(stage) ? 'gpu' : 'worker');

/** The stages a run goes through: all eight with RLAIF, else prepare → sft → evaluate → register. */
export function stagesFor(rlaif: boolean): StageName[] {
  return STAGES.filter((s) => rlaif || !RLAIF_STAGES.has(s));
}

/** BullMQ job id of one stage attempt (no ":"; BullMQ deduplicates on it). */
export const stageJobId = (pipelineId: string, stage: StageName, attempt: number) => `${pipelineId}.${stage}.${attempt}`;

import { DEFAULT_SIM_QUALITY, simulatedModelQuality } from './model-quality';

/**
 * FIXTURE — part of the simulated trainer, which stands in for a real trainer container.
 *
 * Reads the trainer contract's NW_CONFIG (JSON). Recognised keys, all optional: `totalSteps`
 * (aliases `maxSteps`, `max_steps`, `steps`; default 200), `simDurationSeconds` (alias
 * `durationSeconds`: cluster-time length of the run; default from the simulator's timings),
 * `simReports` (progress/metric reports per run; default 20), `outputUri`/`artifactUri`, `seed`,
 * `learningRate`, `simQuality` (0..1, shapes the final metrics; default: the pipeline's model quality from
 * ./model-quality.ts when NW_PIPELINE_ID is set — `modelStage` in NW_CONFIG says which model `evaluate`
 * evaluates — else 0.7).
 */
export interface TrainerConfig {
  stage: string;
  totalSteps: number;
  durationMs: number;
  reports: number;
  artifactUri: string | undefined;
  seed: string;
  learningRate: number;
  quality: number;
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

export function parseTrainerConfig(env: Record<string, string>, defaults: { durationMs: number; seed: string }): TrainerConfig {
  let raw: Record<string, unknown> = {};
  try {
    const parsed = env.NW_CONFIG ? JSON.parse(env.NW_CONFIG) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) raw = parsed as Record<string, unknown>;
  } catch {
    raw = {};
  }
  const steps = num(raw.totalSteps) ?? num(raw.maxSteps) ?? num(raw.max_steps) ?? num(raw.steps) ?? 200;
  const seconds = num(raw.simDurationSeconds) ?? num(raw.durationSeconds);
  const uri = raw.outputUri ?? raw.artifactUri ?? env.NW_ARTIFACT_URI;
  const stage = (env.NW_STAGE || String(raw.stage ?? 'sft')).toLowerCase();
  const pipelineId = env.NW_PIPELINE_ID || (typeof raw.pipelineId === 'string' ? raw.pipelineId : '');
  // The model this stage trains or evaluates: PPO's policy, evaluate's `modelStage`, else the SFT model.
  const modelStage = stage === 'evaluate' && typeof raw.modelStage === 'string' ? raw.modelStage : stage === 'ppo' ? 'ppo' : 'sft';
  return {
    stage,
    totalSteps: Math.max(1, Math.round(steps)),
    durationMs: seconds !== undefined ? Math.max(0, seconds * 1000) : defaults.durationMs,
    reports: Math.max(1, Math.min(Math.round(num(raw.simReports) ?? 20), Math.max(1, Math.round(steps)))),
    artifactUri: typeof uri === 'string' && uri ? uri : undefined,
    seed: String(raw.seed ?? defaults.seed),
    learningRate: num(raw.learningRate) ?? num(raw.learning_rate) ?? 2e-4,
    quality: Math.min(1, Math.max(0, num(raw.simQuality) ?? (pipelineId ? simulatedModelQuality(pipelineId, modelStage) : DEFAULT_SIM_QUALITY))),
  };
}

import { z } from 'zod';
import { bumpLevels, createFamilySchema, modelRef } from '@/server/registry/schemas';
import { BASE_MODELS, baseModelIds, gpuTypes } from './base-models';

/**
 * THE configuration of a training pipeline: one zod schema shared by the new-pipeline form, the REST
 * API (`POST /api/v1/training/start`), the tRPC mutation and the workers (which re-validate the stored
 * config). Range-check messages name the field in words ("LoRA rank must be …"); the REST/tRPC error
 * layer also prefixes the dotted path (`qlora.rank: …`).
 *
 * Pure zod + data: safe to import in the browser. The GPU-fit check lives in ./memory.ts
 * (`assertFitsGpus`); `parsePipelineConfig` in ./validate-config.ts runs both.
 */

const oneOf = <T extends readonly [string, ...string[]]>(label: string, values: T) =>
  z.enum(values, { error: `${label} must be one of ${values.join(', ')}` });

function num(label: string, min: number, max: number, opts: { int?: boolean; exclusiveMin?: boolean } = {}) {
  const range = `${opts.exclusiveMin ? `greater than ${min}` : `at least ${min}`} and at most ${max}`;
  let s = z.number({ error: `${label} must be a number` });
  if (opts.int) s = s.int(`${label} must be a whole number`);
  s = opts.exclusiveMin ? s.gt(min, `${label} must be ${range}`) : s.min(min, `${label} must be ${range}`);
  return s.max(max, `${label} must be ${range}`);
}
const int = (label: string, min: number, max: number) => num(label, min, max, { int: true });

export const specializations = [
  'automotive_sales',
  'automotive_service',
  'automotive_financing',
  'automotive_parts',
  'automotive_ev',
  'automotive_warranty',
  'automotive_general',
] as const;
export type Specialization = (typeof specializations)[number];
export const SPECIALIZATION_LABELS: Record<Specialization, string> = {
  automotive_sales: 'Automotive sales',
  automotive_service: 'Service & maintenance',
  automotive_financing: 'Financing & leasing',
  automotive_parts: 'Parts & accessories',
  automotive_ev: 'EV & charging',
  automotive_warranty: 'Warranty & recalls',
  automotive_general: 'General automotive',
};

export const loraTargetModules = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
export type LoraTargetModule = (typeof loraTargetModules)[number];
export const lrSchedules = ['cosine', 'linear', 'constant', 'constant_with_warmup'] as const;
export const judgeModes = ['pointwise', 'pairwise'] as const;
export type JudgeMode = (typeof judgeModes)[number];
export const priorities = ['low', 'normal', 'high'] as const;
export type Priority = (typeof priorities)[number];

/** 1 GiB: the largest dataset accepted by upload or by URI. */
export const DATASET_MAX_BYTES = 1024 ** 3;

/** Model family: an existing one (id or slug), or a new one created when the pipeline registers. */
export const familySchema = z.discriminatedUnion(
  'mode',
  [
    z.object({ mode: z.literal('existing'), ref: modelRef.describe('Model family id (uuid) or slug') }),
    z.object({
      mode: z.literal('new'),
      /** The registry's own slug rule (DNS-1123 label, reserved words refused). */
      slug: createFamilySchema.shape.slug,
      displayName: z.string().trim().min(1, 'Display name is required').max(120, 'Display name must be at most 120 characters'),
      description: z.string().max(4000, 'Description must be at most 4000 characters').optional(),
    }),
  ],
  { error: 'Model family must be {mode: "existing", ref} or {mode: "new", slug, displayName}' },
);

const datasetUri = z
  .string()
  .trim()
  .max(2048, 'Dataset URI must be at most 2048 characters')
  .regex(/^(file:\/\/\/\S+|https?:\/\/\S+)$/, 'Dataset URI must start with file:///, http:// or https://');

/** The dataset: an uploaded one (POST /api/v1/training/datasets → id) or a URI read by `prepare`. */
export const datasetRefSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('upload'), id: z.uuid('Dataset id must be the uuid returned by the upload') }),
    z.object({ kind: z.literal('uri'), uri: datasetUri }),
  ],
  { error: 'Dataset must be {kind: "upload", id} or {kind: "uri", uri}' },
);
export type DatasetRef = z.infer<typeof datasetRefSchema>;

export const qloraSchema = z.object({
  rank: int('LoRA rank', 1, 256).default(16),
  alpha: num('LoRA alpha', 0, 1024, { exclusiveMin: true }).default(32),
  dropout: num('LoRA dropout', 0, 0.5).default(0.05),
  targetModules: z
    .array(oneOf('Each target module', loraTargetModules), { error: 'Target modules must be a list' })
    .min(1, 'Target modules must name at least one projection')
    .refine((m) => new Set(m).size === m.length, 'Target modules must not repeat a module')
    .default([...loraTargetModules]),
  /** 4-bit NormalFloat with double quantization (QLoRA, Dettmers et al. 2023). */
  quantization: z
    .object({
      bits: z.literal(4, { error: 'Quantization bits must be 4 (QLoRA)' }).default(4),
      type: oneOf('Quantization type', ['nf4', 'fp4'] as const).default('nf4'),
      doubleQuant: z.boolean({ error: 'Double quantization must be true or false' }).default(true),
      computeDtype: oneOf('Compute dtype', ['bfloat16', 'float16'] as const).default('bfloat16'),
    })
    .prefault({}),
  learningRate: num('Learning rate', 0, 0.01, { exclusiveMin: true }).default(2e-4),
  lrSchedule: oneOf('Learning-rate schedule', lrSchedules).default('cosine'),
  warmupRatio: num('Warm-up ratio', 0, 0.5).default(0.03),
  epochs: int('Epochs', 1, 20).default(3),
  batchSize: int('Batch size', 1, 128).default(4),
  gradAccumulation: int('Gradient accumulation', 1, 256).default(4),
  maxSeqLength: int('Max sequence length', 128, 32768).default(2048),
  gradientCheckpointing: z.boolean({ error: 'Gradient checkpointing must be true or false' }).default(true),
});

export const judgeSchema = z.object({
  model: z.string().trim().min(1, 'Judge model is required').max(200, 'Judge model must be at most 200 characters').default('gpt-4o-mini'),
  /** OpenAI-compatible base URL; empty → OPENAI_BASE_URL, else the simulator's judge ("simulated judge"). */
  baseUrl: z
    .string()
    .trim()
    .max(2048, 'Judge base URL must be at most 2048 characters')
    .regex(/^https?:\/\/\S+$/, 'Judge base URL must be an http(s) URL such as https://api.openai.com/v1')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Overrides the built-in rubric of the specialization. */
  rubric: z.string().trim().max(8000, 'Rubric must be at most 8000 characters').optional(),
  mode: oneOf('Judging mode', judgeModes).default('pointwise'),
  samplesPerPrompt: int('Samples per prompt', 1, 16).default(2),
  concurrency: int('Judge concurrency', 1, 64).default(4),
});

export const rewardModelSchema = z.object({
  learningRate: num('Reward-model learning rate', 0, 0.01, { exclusiveMin: true }).default(1e-5),
  epochs: int('Reward-model epochs', 1, 10).default(1),
  batchSize: int('Reward-model batch size', 1, 128).default(8),
});

export const ppoSchema = z.object({
  klCoefficient: num('PPO KL coefficient', 0, 1).default(0.05),
  clipRange: num('PPO clip range', 0, 1, { exclusiveMin: true }).default(0.2),
  steps: int('PPO steps', 1, 100_000).default(200),
  batchSize: int('PPO batch size', 1, 512).default(16),
  learningRate: num('PPO learning rate', 0, 0.01, { exclusiveMin: true }).default(1.41e-5),
});

export const rlaifSchema = z.object({
  enabled: z.boolean({ error: 'RLAIF enabled must be true or false' }).default(true),
  judge: judgeSchema.prefault({}),
  rewardModel: rewardModelSchema.prefault({}),
  ppo: ppoSchema.prefault({}),
});

export const evalPromptSchema = z.object({
  prompt: z.string().trim().min(1, 'Prompt text is required').max(8000, 'Prompt text must be at most 8000 characters'),
  category: z.string().trim().min(1, 'Prompt category is required').max(64, 'Prompt category must be at most 64 characters').default('custom'),
});
export type EvalPrompt = z.infer<typeof evalPromptSchema>;

/** Prompts for `generate`/`evaluate`: the built-in automotive set (server/training/prompts) or the user's own. */
export const evalPromptsSchema = z.discriminatedUnion(
  'source',
  [
    z.object({ source: z.literal('builtin') }),
    z.object({
      source: z.literal('custom'),
      prompts: z.array(evalPromptSchema).min(1, 'A custom prompt set needs at least one prompt').max(500, 'A custom prompt set allows at most 500 prompts'),
    }),
  ],
  { error: 'Evaluation prompts must be {source: "builtin"} or {source: "custom", prompts}' },
);

const cpuQuantity = z
  .string()
  .trim()
  .regex(/^([1-9]\d{0,2}|[1-9]\d{0,5}m)$/, 'CPU must be a Kubernetes quantity such as 8 or 4000m')
  .refine((v) => cpuCores(v) >= 1 && cpuCores(v) <= 256, 'CPU must be between 1 and 256 cores');
const memoryQuantity = z
  .string()
  .trim()
  .regex(/^[1-9]\d{0,5}(Mi|Gi|Ti)$/, 'Memory must be a Kubernetes quantity such as 64Gi or 512Mi')
  .refine((v) => memoryGiB(v) >= 4 && memoryGiB(v) <= 4096, 'Memory must be between 4Gi and 4Ti');

export const resourcesSchema = z.object({
  gpuType: oneOf('GPU type', gpuTypes).default('nvidia-a100-80gb'),
  gpuCount: int('GPU count', 1, 16).default(1),
  cpu: cpuQuantity.default('8'),
  memory: memoryQuantity.default('64Gi'),
});

export const pipelineConfigSchema = z
  .object({
    name: z.string().trim().max(120, 'Pipeline name must be at most 120 characters').optional(),
    family: familySchema,
    baseModel: z.enum(baseModelIds, { error: `Base model must be one of the known base models: ${baseModelIds.join(', ')}` }),
    specialization: oneOf('Specialization', specializations),
    dataset: datasetRefSchema,
    evalPrompts: evalPromptsSchema.default({ source: 'builtin' }),
    qlora: qloraSchema.prefault({}),
    rlaif: rlaifSchema.prefault({}),
    resources: resourcesSchema.prefault({}),
    priority: oneOf('Priority', priorities).default('normal'),
    bump: z.enum(bumpLevels, { error: `Bump level must be one of ${bumpLevels.join(', ')}` }).default('minor'),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.rlaif.enabled && cfg.rlaif.judge.mode === 'pairwise' && cfg.rlaif.judge.samplesPerPrompt < 2) {
      ctx.addIssue({ code: 'custom', path: ['rlaif', 'judge', 'samplesPerPrompt'], message: 'Pairwise judging needs at least 2 samples per prompt (it compares two responses)' });
    }
    const info = BASE_MODELS[cfg.baseModel];
    if (info && cfg.qlora.maxSeqLength > info.maxContext) {
      ctx.addIssue({
        code: 'custom',
        path: ['qlora', 'maxSeqLength'],
        message: `Max sequence length must be at most ${info.maxContext}, the context length of ${cfg.baseModel}`,
      });
    }
  });

/** The validated, defaulted config (what is stored and what workers read). */
export type PipelineConfig = z.output<typeof pipelineConfigSchema>;
/** What a client may send: every field with a default is optional. */
export type PipelineConfigInput = z.input<typeof pipelineConfigSchema>;

/** Kubernetes CPU quantity → cores ("8" → 8, "4000m" → 4). */
export function cpuCores(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q);
}

/** Kubernetes memory quantity (Mi/Gi/Ti) → GiB. */
export function memoryGiB(q: string): number {
  const n = Number(q.slice(0, -2));
  const unit = q.slice(-2);
  return unit === 'Mi' ? n / 1024 : unit === 'Ti' ? n * 1024 : n;
}

/** Effective batch per optimizer step: batch × gradient accumulation × GPUs (data parallel). */
export function effectiveBatchSize(cfg: Pick<PipelineConfig, 'qlora' | 'resources'>): number {
  return cfg.qlora.batchSize * cfg.qlora.gradAccumulation * cfg.resources.gpuCount;
}

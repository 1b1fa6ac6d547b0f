import { ValidationError } from '@/server/errors';
import { BASE_MODELS, GPU_TYPES, gpuTypes, type BaseModelInfo, type GpuType } from './base-models';
import type { LoraTargetModule, PipelineConfig } from './config';

/**
 * GPU-memory estimator for QLoRA fine-tuning (and the RLAIF GPU stages), per GPU, in GiB.
 * Pure arithmetic: runs in the browser (live estimate in the form) and on the server (refusal).
 *
 * Formula (bytes), for a model of P parameters, L layers, hidden h, MLP size I, vocabulary V,
 * micro-batch b, sequence length s, LoRA rank r over the chosen target modules:
 *
 *   weights     = (P − Pemb) · (4 + c)/8          4-bit NF4/FP4 base weights, c = quantization constants in bits/param:
 *                                                 one fp32 absmax per 64-weight block = 0.5 bit; with double quantization
 *                                                 8-bit absmax + one fp32 per 256 blocks = 8/64 + 32/(64·256) ≈ 0.127 bit
 *                                                 (Dettmers et al. 2023, "QLoRA", §2–3)
 *               + Pemb · 4                        input embeddings and LM head stay unquantized; peft's
 *                                                 prepare_model_for_kbit_training upcasts them to fp32 (Pemb = 2·V·h;
 *                                                 tied embeddings count twice: a deliberate over-estimate)
 *   lora        = Plora · (4 + 4 + 8)             fp32 adapter weights, their gradients and AdamW's two fp32 moments;
 *                 Plora = L · Σ_modules r·(in + out)  (Hu et al. 2021, "LoRA")
 *   activations = L · 2·b·s·h                      with gradient checkpointing only each layer's bf16 input is kept …
 *               + b·s·(16h + 8I)                  … plus one layer recomputed during backward: attention ≈ 16h bytes/token
 *                                                 with FlashAttention (no s² term), SwiGLU MLP ≈ 8I (Korthikanti et al. 2022,
 *                                                 "Reducing Activation Recomputation in Large Transformer Models", Table 2,
 *                                                 34·s·b·h per layer for a 4h MLP, adapted to gated MLPs)
 *               + b·s·Σ_modules in · 3            LoRA dropout keeps a bf16 copy and a mask of each adapted input
 *               + b·s·V · 6                       logits in bf16 plus their fp32 upcast in the loss
 *               (without gradient checkpointing every layer keeps the full b·s·(16h + 8I) instead)
 *   peak        = (weights + lora) / n + gather + activations, × 1.25 allocator fragmentation, + 0.75 GiB CUDA context
 *                 n GPUs shard weights and adapter states (FSDP + QLoRA, Answer.AI 2024); gather = two layers of
 *                 quantized weights all-gathered at a time when n > 1. b is the per-GPU micro-batch.
 *
 * Reference: Mistral-7B, r = 16 on all linear layers, b = 4, s = 2048, checkpointing → ≈ 14.5 GiB (≈ 16 GB), the
 * usual figure for a 7B model under QLoRA. Reward-model and PPO stages are estimated the same way: the reward model
 * scores chosen + rejected (2b sequences, no LM-head logits); PPO holds the policy and the reward model (two quantized
 * bases) and two adapter sets (policy, value head).
 */

export const GIB = 1024 ** 3;
const CUDA_CONTEXT_GIB = 0.75;
const FRAGMENTATION = 1.25;

export type MemoryStage = 'sft' | 'reward_model' | 'ppo';

export interface MemoryBreakdown {
  stage: MemoryStage;
  /** All in GiB, per GPU. */
  weightsGiB: number;
  loraGiB: number;
  activationsGiB: number;
  overheadGiB: number;
  peakGiB: number;
  /** Trainable adapter parameters. */
  loraParams: number;
}

export interface MemoryEstimate {
  /** The largest stage: what decides whether the run fits. */
  peakGiB: number;
  peakStage: MemoryStage;
  stages: MemoryBreakdown[];
  gpuType: GpuType;
  gpuMemoryGiB: number;
  gpuCount: number;
  fits: boolean;
}

/** What the estimator reads from a config (a subset, so the form can estimate a partly filled config). */
export interface MemoryInput {
  baseModel: keyof typeof BASE_MODELS;
  qlora: Pick<PipelineConfig['qlora'], 'rank' | 'targetModules' | 'batchSize' | 'maxSeqLength' | 'gradientCheckpointing'> & {
    quantization: Pick<PipelineConfig['qlora']['quantization'], 'doubleQuant'>;
  };
  rlaif: { enabled: boolean; rewardModel: { batchSize: number } };
  resources: Pick<PipelineConfig['resources'], 'gpuType' | 'gpuCount'>;
}

function moduleDims(m: BaseModelInfo, module: LoraTargetModule): { in: number; out: number } {
  const q = m.heads * m.headDim;
  const kv = m.kvHeads * m.headDim;
  switch (module) {
    case 'q_proj': return { in: m.hidden, out: q };
    case 'k_proj': return { in: m.hidden, out: kv };
    case 'v_proj': return { in: m.hidden, out: kv };
    case 'o_proj': return { in: q, out: m.hidden };
    case 'gate_proj': return { in: m.hidden, out: m.intermediate };
    case 'up_proj': return { in: m.hidden, out: m.intermediate };
    case 'down_proj': return { in: m.intermediate, out: m.hidden };
  }
}

/** Trainable LoRA parameters: L · Σ r·(in + out) over the target modules. */
export function loraParamCount(model: BaseModelInfo, rank: number, modules: readonly LoraTargetModule[]): number {
  const perLayer = modules.reduce((sum, mod) => {
    const d = moduleDims(model, mod);
    return sum + rank * (d.in + d.out);
  }, 0);
  return perLayer * model.layers;
}

interface StageShape {
  stage: MemoryStage;
  /** Copies of the quantized base held at once (PPO: policy + reward model). */
  bases: number;
  /** Adapter sets trained at once. */
  adapters: number;
  /** Sequences per micro-batch. */
  sequences: number;
  /** Whether the LM head's logits are materialized (not for a scalar reward head). */
  logits: boolean;
}

function estimateStage(input: MemoryInput, shape: StageShape): MemoryBreakdown {
  const m = BASE_MODELS[input.baseModel];
  const { qlora } = input;
  const n = input.resources.gpuCount;
  const P = m.paramsB * 1e9;
  const embParams = 2 * m.vocab * m.hidden;
  const constantBits = qlora.quantization.doubleQuant ? 8 / 64 + 32 / (64 * 256) : 32 / 64;
  const weights = ((P - embParams) * (4 + constantBits)) / 8 + embParams * 4;
  const loraParams = loraParamCount(m, qlora.rank, qlora.targetModules);
  const lora = loraParams * 16;

  const tokens = shape.sequences * qlora.maxSeqLength;
  const layerFull = tokens * (16 * m.hidden + 8 * m.intermediate);
  const loraInputs = tokens * qlora.targetModules.reduce((s, mod) => s + moduleDims(m, mod).in, 0) * 3;
  const layerActs = qlora.gradientCheckpointing ? m.layers * 2 * tokens * m.hidden + layerFull + loraInputs : m.layers * (layerFull + loraInputs);
  const logits = shape.logits ? tokens * m.vocab * 6 : 0;
  const activations = layerActs + logits;

  const perLayerQuant = ((P - embParams) / m.layers) * ((4 + constantBits) / 8);
  const gather = n > 1 ? 2 * perLayerQuant * shape.bases : 0;
  const sharded = (weights * shape.bases + lora * shape.adapters) / n;
  const allocated = sharded + gather + activations;
  const peak = allocated * FRAGMENTATION + CUDA_CONTEXT_GIB * GIB;
  return {
    stage: shape.stage,
    weightsGiB: (weights * shape.bases) / n / GIB,
    loraGiB: (lora * shape.adapters) / n / GIB,
    activationsGiB: activations / GIB,
    overheadGiB: (peak - sharded - activations) / GIB,
    peakGiB: peak / GIB,
    loraParams,
  };
}

/** Peak GPU memory per GPU for each GPU stage of the run, and whether the largest fits the chosen GPUs. */
export function estimateMemory(input: MemoryInput): MemoryEstimate {
  const b = input.qlora.batchSize;
  const stages: MemoryBreakdown[] = [estimateStage(input, { stage: 'sft', bases: 1, adapters: 1, sequences: b, logits: true })];
  if (input.rlaif.enabled) {
    const rmBatch = Math.min(input.rlaif.rewardModel.batchSize, b);
    stages.push(estimateStage(input, { stage: 'reward_model', bases: 1, adapters: 1, sequences: 2 * rmBatch, logits: false }));
    stages.push(estimateStage(input, { stage: 'ppo', bases: 2, adapters: 2, sequences: b, logits: true }));
  }
  const top = stages.reduce((a, s) => (s.peakGiB > a.peakGiB ? s : a));
  const gpu = GPU_TYPES[input.resources.gpuType];
  return {
    peakGiB: top.peakGiB,
    peakStage: top.stage,
    stages,
    gpuType: input.resources.gpuType,
    gpuMemoryGiB: gpu.memoryGiB,
    gpuCount: input.resources.gpuCount,
    fits: top.peakGiB <= gpu.memoryGiB,
  };
}

export interface FitSuggestion {
  field: string;
  change: string;
  peakGiB: number;
}

/** Single changes that make a run fit, cheapest first: smaller batch, shorter sequences, bigger GPU, more GPUs, lower rank. */
export function fitSuggestions(input: MemoryInput): FitSuggestion[] {
  const out: FitSuggestion[] = [];
  const fits = (i: MemoryInput) => estimateMemory(i);
  const q = input.qlora;
  for (let b = q.batchSize - 1; b >= 1; b--) {
    const e = fits({ ...input, qlora: { ...q, batchSize: b } });
    if (e.fits) { out.push({ field: 'qlora.batchSize', change: `batch size ${q.batchSize} → ${b} (raise gradient accumulation to keep the effective batch)`, peakGiB: e.peakGiB }); break; }
  }
  for (let s = q.maxSeqLength; s >= 256; ) {
    s = Math.max(128, Math.floor(s / 2));
    const e = fits({ ...input, qlora: { ...q, maxSeqLength: s } });
    if (e.fits) { out.push({ field: 'qlora.maxSeqLength', change: `max sequence length ${q.maxSeqLength} → ${s}`, peakGiB: e.peakGiB }); break; }
  }
  if (!q.gradientCheckpointing) {
    const e = fits({ ...input, qlora: { ...q, gradientCheckpointing: true } });
    if (e.fits) out.push({ field: 'qlora.gradientCheckpointing', change: 'turn on gradient checkpointing', peakGiB: e.peakGiB });
  }
  const current = GPU_TYPES[input.resources.gpuType].memoryGiB;
  const bigger = gpuTypes.filter((t) => GPU_TYPES[t].memoryGiB > current).sort((a, b) => GPU_TYPES[a].memoryGiB - GPU_TYPES[b].memoryGiB);
  for (const t of bigger) {
    const e = fits({ ...input, resources: { ...input.resources, gpuType: t } });
    if (e.fits) { out.push({ field: 'resources.gpuType', change: `GPU type ${input.resources.gpuType} → ${t}`, peakGiB: e.peakGiB }); break; }
  }
  for (let n = input.resources.gpuCount + 1; n <= 16; n++) {
    const e = fits({ ...input, resources: { ...input.resources, gpuCount: n } });
    if (e.fits) { out.push({ field: 'resources.gpuCount', change: `GPU count ${input.resources.gpuCount} → ${n}`, peakGiB: e.peakGiB }); break; }
  }
  if (out.length === 0 && q.batchSize > 1) {
    // No single change is enough: batch size 1 together with more GPUs or a bigger GPU.
    const one = { ...input, qlora: { ...q, batchSize: 1 } };
    const combos: Array<[GpuType, number]> = [];
    for (const t of [input.resources.gpuType, ...bigger]) for (let n = input.resources.gpuCount; n <= 16; n++) combos.push([t, n]);
    for (const [t, n] of combos) {
      const e = fits({ ...one, resources: { gpuType: t, gpuCount: n } });
      if (e.fits) {
        const gpu = t === input.resources.gpuType ? `GPU count ${input.resources.gpuCount} → ${n}` : `${n} × ${t}`;
        out.push({ field: 'qlora.batchSize', change: `batch size ${q.batchSize} → 1 and ${gpu}`, peakGiB: e.peakGiB });
        break;
      }
    }
  }
  return out;
}

/** The refusal text for a run that does not fit, or null when it fits. */
export function fitProblem(input: MemoryInput): { message: string; field: string; estimate: MemoryEstimate } | null {
  const estimate = estimateMemory(input);
  if (estimate.fits) return null;
  const gpu = GPU_TYPES[input.resources.gpuType];
  const suggestions = fitSuggestions(input);
  const what = suggestions.length
    ? `Change one of: ${suggestions.map((s) => `${s.change} (≈ ${s.peakGiB.toFixed(1)} GiB)`).join('; ')}.`
    : 'No single change makes it fit: choose a smaller base model.';
  const message =
    `The ${estimate.peakStage} stage needs about ${estimate.peakGiB.toFixed(1)} GiB per GPU, more than the ` +
    `${gpu.memoryGiB} GiB of ${input.resources.gpuCount} × ${gpu.label}. ${what}`;
  return { message, field: suggestions[0]?.field ?? 'resources.gpuType', estimate };
}

/** Refuses (422, naming what to change) a run whose peak GPU memory exceeds the chosen GPUs. */
export function assertFitsGpus(config: MemoryInput): MemoryEstimate {
  const problem = fitProblem(config);
  if (problem) throw new ValidationError(problem.message, problem.field);
  return estimateMemory(config);
}

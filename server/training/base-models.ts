/**
 * Base models a pipeline can fine-tune, with the architecture numbers the GPU-memory estimator needs
 * (server/training/memory.ts). Figures are from each model's Hugging Face `config.json` and model card
 * (parameter counts as published: "8.03B", "7.25B", ...). Pure data: safe to import in the browser.
 */
export interface BaseModelInfo {
  /** Hugging Face repository the trainer loads. */
  hfId: string;
  label: string;
  /** Total parameters, in billions. */
  paramsB: number;
  layers: number;
  hidden: number;
  /** MLP inner size (gate/up projections). */
  intermediate: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
  /** Longest context the model was trained for (max_position_embeddings). */
  maxContext: number;
}

export const BASE_MODELS = {
  'llama-3.2-3b': { hfId: 'meta-llama/Llama-3.2-3B-Instruct', label: 'Llama 3.2 3B Instruct', paramsB: 3.21, layers: 28, hidden: 3072, intermediate: 8192, heads: 24, kvHeads: 8, headDim: 128, vocab: 128256, maxContext: 131072 },
  'phi-3.5-mini': { hfId: 'microsoft/Phi-3.5-mini-instruct', label: 'Phi 3.5 mini (3.8B)', paramsB: 3.82, layers: 32, hidden: 3072, intermediate: 8192, heads: 32, kvHeads: 32, headDim: 96, vocab: 32064, maxContext: 131072 },
  'mistral-7b': { hfId: 'mistralai/Mistral-7B-Instruct-v0.3', label: 'Mistral 7B Instruct v0.3', paramsB: 7.25, layers: 32, hidden: 4096, intermediate: 14336, heads: 32, kvHeads: 8, headDim: 128, vocab: 32768, maxContext: 32768 },
  'qwen2.5-7b': { hfId: 'Qwen/Qwen2.5-7B-Instruct', label: 'Qwen2.5 7B Instruct', paramsB: 7.62, layers: 28, hidden: 3584, intermediate: 18944, heads: 28, kvHeads: 4, headDim: 128, vocab: 152064, maxContext: 32768 },
  'llama-3.1-8b': { hfId: 'meta-llama/Llama-3.1-8B-Instruct', label: 'Llama 3.1 8B Instruct', paramsB: 8.03, layers: 32, hidden: 4096, intermediate: 14336, heads: 32, kvHeads: 8, headDim: 128, vocab: 128256, maxContext: 131072 },
  'gemma-2-9b': { hfId: 'google/gemma-2-9b-it', label: 'Gemma 2 9B IT', paramsB: 9.24, layers: 42, hidden: 3584, intermediate: 14336, heads: 16, kvHeads: 8, headDim: 256, vocab: 256000, maxContext: 8192 },
  'qwen2.5-14b': { hfId: 'Qwen/Qwen2.5-14B-Instruct', label: 'Qwen2.5 14B Instruct', paramsB: 14.7, layers: 48, hidden: 5120, intermediate: 13824, heads: 40, kvHeads: 8, headDim: 128, vocab: 152064, maxContext: 32768 },
  'qwen2.5-32b': { hfId: 'Qwen/Qwen2.5-32B-Instruct', label: 'Qwen2.5 32B Instruct', paramsB: 32.8, layers: 64, hidden: 5120, intermediate: 27648, heads: 40, kvHeads: 8, headDim: 128, vocab: 152064, maxContext: 32768 },
  'llama-3.1-70b': { hfId: 'meta-llama/Llama-3.1-70B-Instruct', label: 'Llama 3.1 70B Instruct', paramsB: 70.6, layers: 80, hidden: 8192, intermediate: 28672, heads: 64, kvHeads: 8, headDim: 128, vocab: 128256, maxContext: 131072 },
} as const satisfies Record<string, BaseModelInfo>;

export type BaseModelId = keyof typeof BASE_MODELS;
export const baseModelIds = Object.keys(BASE_MODELS) as [BaseModelId, ...BaseModelId[]];

export function baseModelInfo(id: BaseModelId): BaseModelInfo {
  return BASE_MODELS[id];
}

/** GPUs a run can ask for: the `nvidia.com/gpu.product` label value and the memory of one card. */
export const GPU_TYPES = {
  'nvidia-t4': { label: 'NVIDIA T4 16 GB', memoryGiB: 16, product: 'Tesla-T4' },
  'nvidia-l4': { label: 'NVIDIA L4 24 GB', memoryGiB: 24, product: 'NVIDIA-L4' },
  'nvidia-a10g': { label: 'NVIDIA A10G 24 GB', memoryGiB: 24, product: 'NVIDIA-A10G' },
  'nvidia-a100-40gb': { label: 'NVIDIA A100 40 GB', memoryGiB: 40, product: 'NVIDIA-A100-SXM4-40GB' },
  'nvidia-a100-80gb': { label: 'NVIDIA A100 80 GB', memoryGiB: 80, product: 'NVIDIA-A100-SXM4-80GB' },
  'nvidia-h100-80gb': { label: 'NVIDIA H100 80 GB', memoryGiB: 80, product: 'NVIDIA-H100-80GB-HBM3' },
} as const satisfies Record<string, { label: string; memoryGiB: number; product: string }>;

export type GpuType = keyof typeof GPU_TYPES;
export const gpuTypes = Object.keys(GPU_TYPES) as [GpuType, ...GpuType[]];

import { describe, expect, it } from 'vitest';
import { ValidationError } from '@/server/errors';
import { BASE_MODELS } from './base-models';
import { pipelineConfigSchema, type PipelineConfig } from './config';
import { assertFitsGpus, estimateMemory, fitProblem, fitSuggestions, loraParamCount } from './memory';

function config(over: Record<string, unknown> = {}): PipelineConfig {
  return pipelineConfigSchema.parse({
    family: { mode: 'existing', ref: 'sales-bot' },
    baseModel: 'mistral-7b',
    specialization: 'automotive_sales',
    dataset: { kind: 'uri', uri: 'file:///d.jsonl' },
    ...over,
  });
}

describe('loraParamCount', () => {
  it('is L · Σ r·(in + out): Mistral-7B r=16 on q,v gives 6.8 M (as peft prints)', () => {
    // q: 16·(4096+4096) = 131072, v: 16·(4096+1024) = 81920 → 212992 per layer × 32 layers
    expect(loraParamCount(BASE_MODELS['mistral-7b'], 16, ['q_proj', 'v_proj'])).toBe(6_815_744);
  });
  it('scales linearly with the rank', () => {
    const m = BASE_MODELS['llama-3.1-8b'];
    expect(loraParamCount(m, 64, ['q_proj'])).toBe(4 * loraParamCount(m, 16, ['q_proj']));
  });
});

describe('estimateMemory', () => {
  it('puts a 7B model under QLoRA at typical settings near the usual ≈16 GB', () => {
    const sft = estimateMemory(config({ rlaif: { enabled: false } }));
    expect(sft.peakStage).toBe('sft');
    // ≈ 16 GB = 14.9 GiB; the estimate must be in the same ball-park, not tuned to the digit.
    expect(sft.peakGiB).toBeGreaterThan(12);
    expect(sft.peakGiB).toBeLessThan(17);
    const b = sft.stages[0];
    // 4-bit weights of 7.25 B params ≈ 3.5–4.5 GiB (+ fp32 embeddings): the weights are not the biggest part.
    expect(b.weightsGiB).toBeGreaterThan(3.5);
    expect(b.weightsGiB).toBeLessThan(5);
  });

  it('grows with batch, sequence length and rank, and shrinks with gradient checkpointing', () => {
    const base = estimateMemory(config()).peakGiB;
    expect(estimateMemory(config({ qlora: { batchSize: 8 } })).peakGiB).toBeGreaterThan(base);
    expect(estimateMemory(config({ qlora: { maxSeqLength: 4096 } })).peakGiB).toBeGreaterThan(base);
    expect(estimateMemory(config({ qlora: { rank: 128 } })).peakGiB).toBeGreaterThan(base);
    expect(estimateMemory(config({ qlora: { gradientCheckpointing: false } })).peakGiB).toBeGreaterThan(base * 1.5);
  });

  it('double quantization saves about 0.37 bit per parameter', () => {
    const on = estimateMemory(config({ rlaif: { enabled: false } })).stages[0].weightsGiB;
    const off = estimateMemory(config({ rlaif: { enabled: false }, qlora: { quantization: { doubleQuant: false } } })).stages[0].weightsGiB;
    const quantized = 7.25e9 - 2 * 32768 * 4096;
    expect((off - on) * 1024 ** 3).toBeCloseTo((quantized * (0.5 - (8 / 64 + 32 / (64 * 256)))) / 8, -3);
  });

  it('adds the reward-model and PPO stages only with RLAIF, PPO holding two bases', () => {
    expect(estimateMemory(config({ rlaif: { enabled: false } })).stages.map((s) => s.stage)).toEqual(['sft']);
    const e = estimateMemory(config());
    expect(e.stages.map((s) => s.stage)).toEqual(['sft', 'reward_model', 'ppo']);
    const [sft, , ppo] = e.stages;
    expect(ppo.weightsGiB).toBeCloseTo(2 * sft.weightsGiB, 6);
  });

  it('shards weights across GPUs', () => {
    const one = estimateMemory(config({ baseModel: 'llama-3.1-70b' })).stages[0];
    const four = estimateMemory(config({ baseModel: 'llama-3.1-70b', resources: { gpuCount: 4 } })).stages[0];
    expect(four.weightsGiB).toBeCloseTo(one.weightsGiB / 4, 6);
  });
});

describe('assertFitsGpus', () => {
  it('accepts a 7B run on one 80 GB GPU', () => {
    expect(assertFitsGpus(config()).fits).toBe(true);
  });

  it('refuses a 70B run on one T4 and names what would make it fit', () => {
    const cfg = config({ baseModel: 'llama-3.1-70b', resources: { gpuType: 'nvidia-t4' } });
    expect(() => assertFitsGpus(cfg)).toThrow(ValidationError);
    const problem = fitProblem(cfg)!;
    expect(problem.message).toContain('16 GiB of 1 × NVIDIA T4 16 GB');
  });

  it('suggests single changes that really fit', () => {
    const cfg = config({ baseModel: 'llama-3.1-8b', resources: { gpuType: 'nvidia-l4' } });
    const problem = fitProblem(cfg)!;
    expect(problem).not.toBeNull();
    const suggestions = fitSuggestions(cfg);
    expect(suggestions.map((s) => s.field)).toEqual(expect.arrayContaining(['qlora.batchSize', 'resources.gpuType', 'resources.gpuCount']));
    for (const s of suggestions.filter((x) => x.field !== 'resources.gpuType')) expect(s.peakGiB).toBeLessThanOrEqual(24);
    expect(problem.field).toBe(suggestions[0].field);
    // Applying the suggested GPU type really makes it fit.
    const gpu = suggestions.find((s) => s.field === 'resources.gpuType')!;
    const to = gpu.change.split('→ ')[1] as PipelineConfig['resources']['gpuType'];
    expect(estimateMemory({ ...cfg, resources: { ...cfg.resources, gpuType: to } }).fits).toBe(true);
  });
});

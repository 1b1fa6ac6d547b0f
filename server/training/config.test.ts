import { describe, expect, it } from 'vitest';
import { ValidationError } from '@/server/errors';
import { pipelineConfigSchema } from './config';
import { parsePipelineConfig } from './validate-config';

const minimal = {
  family: { mode: 'new', slug: 'sales-bot', displayName: 'Sales bot' },
  baseModel: 'mistral-7b',
  specialization: 'automotive_sales',
  dataset: { kind: 'uri', uri: 'file:///data/sales.jsonl' },
};

function firstIssue(input: unknown): { path: string; message: string } {
  const r = pipelineConfigSchema.safeParse(input);
  expect(r.success).toBe(false);
  const issue = r.error!.issues[0];
  return { path: issue.path.join('.'), message: issue.message };
}

describe('pipelineConfigSchema', () => {
  it('fills the documented defaults from a minimal config', () => {
    const cfg = pipelineConfigSchema.parse(minimal);
    expect(cfg.qlora).toMatchObject({ rank: 16, alpha: 32, maxSeqLength: 2048, quantization: { bits: 4, type: 'nf4', doubleQuant: true } });
    expect(cfg.rlaif.judge).toMatchObject({ model: 'gpt-4o-mini', mode: 'pointwise' });
    expect(cfg.rlaif.ppo.klCoefficient).toBe(0.05);
    expect(cfg.resources).toEqual({ gpuType: 'nvidia-a100-80gb', gpuCount: 1, cpu: '8', memory: '64Gi' });
    expect(cfg.evalPrompts).toEqual({ source: 'builtin' });
    expect(cfg.bump).toBe('minor');
  });

  it('refuses an unknown base model, naming the field and the known ones', () => {
    const { path, message } = firstIssue({ ...minimal, baseModel: 'gpt-neo-2b' });
    expect(path).toBe('baseModel');
    expect(message).toContain('llama-3.1-8b');
  });

  it.each([
    [{ qlora: { rank: 0 } }, 'qlora.rank', /LoRA rank must be at least 1 and at most 256/],
    [{ qlora: { rank: 8.5 } }, 'qlora.rank', /LoRA rank must be a whole number/],
    [{ qlora: { dropout: 0.9 } }, 'qlora.dropout', /LoRA dropout/],
    [{ qlora: { learningRate: 0 } }, 'qlora.learningRate', /Learning rate must be greater than 0/],
    [{ qlora: { targetModules: [] } }, 'qlora.targetModules', /at least one/],
    [{ qlora: { targetModules: ['q_proj', 'q_proj'] } }, 'qlora.targetModules', /must not repeat/],
    [{ qlora: { quantization: { bits: 8 } } }, 'qlora.quantization.bits', /must be 4/],
    [{ rlaif: { ppo: { clipRange: 2 } } }, 'rlaif.ppo.clipRange', /PPO clip range/],
    [{ rlaif: { judge: { samplesPerPrompt: 99 } } }, 'rlaif.judge.samplesPerPrompt', /Samples per prompt/],
    [{ rlaif: { judge: { mode: 'listwise' } } }, 'rlaif.judge.mode', /pointwise, pairwise/],
    [{ resources: { gpuCount: 0 } }, 'resources.gpuCount', /GPU count/],
    [{ resources: { memory: '64GB' } }, 'resources.memory', /Memory must be a Kubernetes quantity/],
    [{ dataset: { kind: 'uri', uri: 's3://bucket/x' } }, 'dataset.uri', /file:\/\/\/, http:\/\/ or https:\/\//],
    [{ family: { mode: 'new', slug: 'Bad Slug', displayName: 'x' } }, 'family.slug', /DNS-1123/],
    [{ bump: 'huge' }, 'bump', /Bump level/],
    [{ family: { mode: 'new', slug: 'compare', displayName: 'x' } }, 'family.slug', /reserved/],
  ])('refuses %j at %s', (override, path, pattern) => {
    const issue = firstIssue({ ...minimal, ...override });
    expect(issue.path).toBe(path);
    expect(issue.message).toMatch(pattern);
  });

  it('refuses a sequence length beyond the base model context', () => {
    const issue = firstIssue({ ...minimal, baseModel: 'gemma-2-9b', qlora: { maxSeqLength: 16384 } });
    expect(issue).toEqual({ path: 'qlora.maxSeqLength', message: expect.stringContaining('8192') });
  });
});

describe('parsePipelineConfig', () => {
  it('returns the defaulted config when it fits', () => {
    expect(parsePipelineConfig(minimal).baseModel).toBe('mistral-7b');
  });

  it('throws a ValidationError whose message starts with the field path', () => {
    const err = (() => { try { parsePipelineConfig({ ...minimal, qlora: { epochs: 100 } }, 'config'); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('config.qlora.epochs');
    expect((err as ValidationError).message).toMatch(/^config\.qlora\.epochs: Epochs must be at least 1 and at most 20/);
  });

  it('refuses a run that does not fit the GPUs, saying what to change', () => {
    const err = (() => { try { parsePipelineConfig({ ...minimal, baseModel: 'llama-3.1-70b', resources: { gpuType: 'nvidia-t4' } }); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/needs about [\d.]+ GiB per GPU, more than the 16 GiB/);
    expect((err as Error).message).toMatch(/Change one of|smaller base model/);
  });
});

import { describe, expect, it } from 'vitest';
import { expectedEvalLoss } from './curves';
import { DEFAULT_SIM_QUALITY, qualityFromEvalLoss, simulatedModelQuality, simulatedVersionQuality } from './model-quality';
import { parseTrainerConfig } from './trainer-config';

describe('simulated model quality (FIXTURE)', () => {
  it('is drawn from the pipeline id (same id, same quality), in 0.6–0.8, PPO a little better', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const qs = ids.map((id) => simulatedModelQuality(id, 'sft'));
    expect(Math.min(...qs)).toBeGreaterThanOrEqual(0.6);
    expect(Math.max(...qs)).toBeLessThanOrEqual(0.8);
    expect(new Set(qs).size).toBeGreaterThan(100);
    expect(simulatedModelQuality(ids[0], 'sft')).toBe(qs[0]);
    expect(simulatedModelQuality(ids[0], 'ppo')).toBeCloseTo(qs[0] + 0.05, 3);
  });

  it('reads a quality back from the final eval loss it produces', () => {
    for (const q of [0.3, 0.6, 0.72, 0.9]) expect(qualityFromEvalLoss(expectedEvalLoss(q, 1))).toBeCloseTo(q, 3);
    // A lower eval loss is a better model.
    expect(qualityFromEvalLoss(0.4)).toBeGreaterThan(qualityFromEvalLoss(0.5));
  });

  it('knows a registered version by its pipeline, else by its eval loss, else the default', () => {
    expect(simulatedVersionQuality({ lineage: { pipelineId: 'p1' }, config: { trainedStage: 'ppo' }, metrics: { eval_loss: 9 } })).toBe(simulatedModelQuality('p1', 'ppo'));
    expect(simulatedVersionQuality({ lineage: {}, metrics: { eval_loss: expectedEvalLoss(0.65, 1) } })).toBeCloseTo(0.65, 3);
    expect(simulatedVersionQuality({ metrics: {} })).toBe(DEFAULT_SIM_QUALITY);
  });

  it('trains with the pipeline’s quality; evaluate uses the quality of the model it evaluates', () => {
    const env = (stage: string, config: object) => ({ NW_STAGE: stage, NW_PIPELINE_ID: 'p-42', NW_CONFIG: JSON.stringify(config) });
    expect(parseTrainerConfig(env('sft', {}), { durationMs: 1, seed: 's' }).quality).toBe(simulatedModelQuality('p-42', 'sft'));
    expect(parseTrainerConfig(env('evaluate', { modelStage: 'ppo' }), { durationMs: 1, seed: 's' }).quality).toBe(simulatedModelQuality('p-42', 'ppo'));
    expect(parseTrainerConfig(env('evaluate', { modelStage: 'ppo', simQuality: 0.2 }), { durationMs: 1, seed: 's' }).quality).toBe(0.2);
    expect(parseTrainerConfig({ NW_STAGE: 'sft' }, { durationMs: 1, seed: 's' }).quality).toBe(DEFAULT_SIM_QUALITY);
  });
});

import { describe, expect, it } from 'vitest';
import { seededRandom } from '../util/random';
import { metricsAt } from './curves';
import { parseTrainerConfig } from './trainer-config';

const series = (stage: string, name: string) => {
  const rand = seededRandom('curves');
  return Array.from({ length: 21 }, (_, i) => metricsAt(stage, i / 20, rand, { learningRate: 2e-4, quality: 0.7 }).find((m) => m.name === name)!.value);
};

describe('training curves', () => {
  it('decays SFT loss, raises reward-model accuracy, raises PPO reward while KL grows', () => {
    const loss = series('sft', 'loss');
    expect(loss[0]).toBeGreaterThan(1.5);
    expect(loss[20]).toBeLessThan(0.7);
    const acc = series('reward_model', 'accuracy');
    expect(acc[20] - acc[0]).toBeGreaterThan(0.15);
    const reward = series('ppo', 'reward');
    const kl = series('ppo', 'kl');
    expect(reward[20]).toBeGreaterThan(reward[0] + 1);
    expect(kl[20]).toBeGreaterThan(kl[0] + 0.1);
  });

  it('reads the trainer contract config with defaults', () => {
    expect(parseTrainerConfig({ NW_STAGE: 'PPO', NW_CONFIG: '{"max_steps": 300, "durationSeconds": 5, "outputUri": "s3://b/x"}' }, { durationMs: 60_000, seed: 's' }))
      .toMatchObject({ stage: 'ppo', totalSteps: 300, durationMs: 5_000, artifactUri: 's3://b/x', reports: 20 });
    expect(parseTrainerConfig({ NW_CONFIG: 'not json' }, { durationMs: 1_000, seed: 's' })).toMatchObject({ stage: 'sft', totalSteps: 200, durationMs: 1_000 });
  });
});

import { describe, expect, it } from 'vitest';
import { bumpVersion, defaultDirection, mergeConfig, resolveDirections } from './versioning';

describe('bumpVersion', () => {
  it.each([
    ['1.2.3', 'major', undefined, '2.0.0'],
    ['1.2.3', 'minor', undefined, '1.3.0'],
    ['1.2.3', 'patch', undefined, '1.2.4'],
    ['1.2.3', 'prerelease', 'rc', '1.2.4-rc.0'],
    ['1.3.0-rc.1', 'prerelease', undefined, '1.3.0-rc.2'],
    ['1.3.0-rc.1', 'prerelease', 'rc', '1.3.0-rc.2'],
    ['1.3.0-rc.1', 'minor', undefined, '1.3.0'],
    ['1.3.0-beta.4', 'prerelease', 'rc', '1.3.0-rc.0'],
  ] as const)('%s + %s (%s) → %s', (from, level, preid, expected) => {
    expect(bumpVersion(from, level, preid)).toBe(expected);
  });
});

describe('metric directions', () => {
  it('treats loss, perplexity, latency and error rates as lower-is-better', () => {
    for (const m of ['eval_loss', 'perplexity', 'latency_p95_ms', 'error_rate', 'kl_divergence']) expect(defaultDirection(m)).toBe('lower');
    for (const m of ['accuracy', 'reward_score', 'win_rate', 'bleu']) expect(defaultDirection(m)).toBe('higher');
  });
  it('lets explicit directions win and gives every metric one', () => {
    expect(resolveDirections({ loss: 1, accuracy: 0.9, weird: 3 }, { weird: 'lower', loss: 'higher' })).toEqual({ loss: 'higher', accuracy: 'higher', weird: 'lower' });
  });
});

describe('mergeConfig', () => {
  it('deep-merges nested objects, replaces arrays and scalars, and does not mutate the base', () => {
    const base = { qlora: { rank: 16, alpha: 32, targetModules: ['q_proj', 'v_proj'] }, lr: 2e-4 };
    const merged = mergeConfig(base, { qlora: { rank: 64, targetModules: ['q_proj'] }, epochs: 3 });
    expect(merged).toEqual({ qlora: { rank: 64, alpha: 32, targetModules: ['q_proj'] }, lr: 2e-4, epochs: 3 });
    expect(base.qlora.rank).toBe(16);
  });
});

import { describe, expect, it } from 'vitest';
import { compareMetrics, compatibility, diffConfig } from './compare-logic';

describe('compareMetrics', () => {
  const a = { metrics: { accuracy: 0.8, eval_loss: 1.2, bleu: 0, only_a: 1 }, metricDirections: { accuracy: 'higher', eval_loss: 'lower', bleu: 'higher', only_a: 'higher' } as const };
  const b = { metrics: { accuracy: 0.88, eval_loss: 1.5, bleu: 0.3, only_b: 2 }, metricDirections: { accuracy: 'higher', eval_loss: 'lower', bleu: 'higher', only_b: 'higher' } as const };
  const byName = Object.fromEntries(compareMetrics(a, b).map((m) => [m.name, m]));

  it('computes absolute and relative change and picks the better side by direction', () => {
    expect(byName.accuracy.absoluteChange).toBeCloseTo(0.08, 12);
    expect(byName.accuracy.relativeChange).toBeCloseTo(0.1, 12);
    expect(byName.accuracy.better).toBe('b');
    expect(byName.eval_loss.relativeChange).toBeCloseTo(0.25, 12);
    expect(byName.eval_loss.better).toBe('a'); // loss went up: a is better
  });
  it('has no relative change against a zero baseline and no verdict for one-sided metrics', () => {
    expect(byName.bleu.relativeChange).toBeNull();
    expect(byName.bleu.better).toBe('b');
    expect(byName.only_a).toMatchObject({ a: 1, b: null, better: null, absoluteChange: null });
    expect(byName.only_b).toMatchObject({ a: null, b: 2, better: null });
  });
});

describe('diffConfig', () => {
  it('reports added, removed and changed keys with nested paths', () => {
    const diff = diffConfig(
      { lr: 2e-4, qlora: { rank: 16, alpha: 32, modules: ['q', 'v'] }, old: true, 'dotted.key': 1 },
      { lr: 1e-4, qlora: { rank: 16, alpha: 32, modules: ['q', 'v', 'k'], dropout: 0.05 }, rlaif: { enabled: true }, 'dotted.key': 1 },
    );
    expect(diff.changed).toEqual([
      { path: 'lr', from: 2e-4, to: 1e-4 },
      { path: 'qlora.modules', from: ['q', 'v'], to: ['q', 'v', 'k'] },
    ]);
    expect(diff.removed).toEqual([{ path: 'old', value: true }]);
    expect(diff.added).toEqual([
      { path: 'qlora.dropout', value: 0.05 },
      { path: 'rlaif', value: { enabled: true } },
    ]);
  });
  it('treats an object replaced by a scalar as a change, and quotes odd keys', () => {
    const diff = diffConfig({ sched: { kind: 'cosine' }, 'a.b': 1 }, { sched: 'linear', 'a.b': 2 });
    expect(diff.changed).toEqual([
      { path: '"a.b"', from: 1, to: 2 },
      { path: 'sched', from: { kind: 'cosine' }, to: 'linear' },
    ]);
  });
});

describe('compatibility', () => {
  it('is incompatible across base models, breaking across majors, compatible otherwise', () => {
    expect(compatibility({ version: '1.0.0', baseModel: 'x/a' }, { version: '1.4.0', baseModel: 'x/b' }).verdict).toBe('incompatible');
    expect(compatibility({ version: '1.9.0', baseModel: 'x/a' }, { version: '2.0.0', baseModel: 'x/a' }).verdict).toBe('breaking');
    expect(compatibility({ version: '1.0.0', baseModel: 'x/a' }, { version: '1.5.0-rc.1', baseModel: 'x/a' }).verdict).toBe('compatible');
  });
});

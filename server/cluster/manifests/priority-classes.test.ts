import { describe, expect, it } from 'vitest';
import { PriorityClass } from 'kubernetes-models/scheduling.k8s.io/v1/PriorityClass';
import { compareQueueOrder } from '../scheduling-order';
import { isValidName } from './names';
import { buildTrainingPriorityClasses, TRAINING_PRIORITY_CLASSES, trainingPriorityClassName } from './priority-classes';

describe('training PriorityClasses', () => {
  it('builds one valid, non-preempting, non-default class per priority, ordered low < normal < high', () => {
    const classes = buildTrainingPriorityClasses();
    expect(classes.map((c) => c.metadata!.name)).toEqual(['neuroweaver-training-low', 'neuroweaver-training-normal', 'neuroweaver-training-high']);
    for (const c of classes) {
      new PriorityClass(c).validate();
      expect(isValidName(c.metadata!.name!)).toBe(true);
      expect(c).toMatchObject({ preemptionPolicy: 'Never', globalDefault: false });
      // Below the system classes and the 1e9 ceiling for user-defined ones.
      expect(c.value).toBeGreaterThan(0);
      expect(c.value).toBeLessThanOrEqual(1_000_000_000);
    }
    const { low, normal, high } = TRAINING_PRIORITY_CLASSES;
    expect(low.value).toBeLessThan(normal.value);
    expect(normal.value).toBeLessThan(high.value);
    expect(trainingPriorityClassName('high')).toBe('neuroweaver-training-high');
  });
});

describe('compareQueueOrder', () => {
  it('puts higher priority first, then the older pod, as kube-scheduler does', () => {
    const pods = [
      { name: 'low-old', priority: 1_000, created: '2026-01-01T10:00:00Z' },
      { name: 'high-new', priority: 3_000, created: '2026-01-01T10:05:00Z' },
      { name: 'none', priority: 0, created: '2026-01-01T09:00:00Z' },
      { name: 'high-old', priority: 3_000, created: '2026-01-01T10:01:00Z' },
      { name: 'low-new', priority: 1_000, created: '2026-01-01T10:02:00Z' },
    ];
    expect([...pods].sort(compareQueueOrder).map((p) => p.name)).toEqual(['high-old', 'high-new', 'low-old', 'low-new', 'none']);
  });
});

import { describe, expect, it } from 'vitest';
import { fenceposts, planRollingUpdate } from './rolling-update';

describe('rolling update arithmetic', () => {
  it('rounds maxSurge up and maxUnavailable down, never both zero', () => {
    expect(fenceposts('25%', '25%', 4)).toEqual({ surge: 1, unavailable: 1 });
    expect(fenceposts('25%', '25%', 1)).toEqual({ surge: 1, unavailable: 0 });
    expect(fenceposts(0, 0, 3)).toEqual({ surge: 0, unavailable: 1 });
    expect(fenceposts(2, '50%', 5)).toEqual({ surge: 2, unavailable: 2 });
  });

  it('surges the new ReplicaSet first, then scales the old one down as the new one becomes available', () => {
    const fence = fenceposts('25%', '25%', 4);
    const step1 = planRollingUpdate(4, { name: 'new', replicas: 0, available: 0 }, [{ name: 'old', replicas: 4, available: 4 }], fence);
    expect(step1.newReplicas).toBe(1);
    expect(step1.oldReplicas.get('old')).toBe(3);
    const step2 = planRollingUpdate(4, { name: 'new', replicas: 2, available: 1 }, [{ name: 'old', replicas: 3, available: 3 }], fence);
    expect(step2.newReplicas).toBe(2);
    expect(step2.oldReplicas.get('old')).toBe(2);
    const last = planRollingUpdate(4, { name: 'new', replicas: 4, available: 4 }, [{ name: 'old', replicas: 1, available: 1 }], fence);
    expect(last.oldReplicas.get('old')).toBe(0);
  });

  it('removes unhealthy old pods first', () => {
    const plan = planRollingUpdate(2, { name: 'new', replicas: 1, available: 0 }, [{ name: 'old', replicas: 2, available: 1 }], fenceposts(1, 1, 2));
    expect(plan.oldReplicas.get('old')).toBe(1);
  });
});

import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { trackHostCpu } from './host-cpu';

describe('trackHostCpu', () => {
  it('reports the share of the machine that was busy while it tracked, and the steal', () => {
    const cpu = trackHostCpu();
    // One of the machine's CPUs (as /proc/stat counts them) busy for 300 ms, whatever else runs.
    const until = performance.now() + 300;
    while (performance.now() < until);
    const load = cpu.stop();
    expect(load).not.toBeNull();
    expect(load!.busyPercent).toBeGreaterThanOrEqual(100 / cpus().length - 5);
    expect(load!.busyPercent).toBeLessThanOrEqual(100);
    expect(load!.stealPercent).toBeGreaterThanOrEqual(0);
    expect(load!.stealPercent).toBeLessThanOrEqual(100);
  });
});

import type { SimulatorOptions } from '../options';

/** Simulator options for tests: everything a hundred times faster, short training runs. */
export function fastOptions(more: SimulatorOptions = {}): SimulatorOptions {
  return {
    speed: 100,
    historySize: 1000,
    bookmarkIntervalMs: 100,
    ...more,
    timings: { trainerDurationMs: 2_000, readyDelayMs: 1_000, ...more.timings },
  };
}

import { z } from 'zod';
import { envInt } from '@/server/env-fields';

/*
 * A/B settings from the environment (read once).
 *
 *   NEUROWEAVER_AB_SNAPSHOT_INTERVAL_MS   period of the lift-snapshot rounds over every running test, 60000
 */

const schema = z.object({
  // Below a minute a round would mostly find every test already snapshotted (the once-a-minute rule).
  NEUROWEAVER_AB_SNAPSHOT_INTERVAL_MS: envInt(1_000, 24 * 3_600_000, 60_000),
});

export interface AbConfig {
  snapshotIntervalMs: number;
}

let cached: AbConfig | undefined;

export function abConfig(): AbConfig {
  if (!cached) {
    const e = schema.parse(process.env);
    cached = { snapshotIntervalMs: e.NEUROWEAVER_AB_SNAPSHOT_INTERVAL_MS };
  }
  return cached;
}

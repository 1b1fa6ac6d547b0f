import { z } from 'zod';
import { envInt } from '@/server/env-fields';

/*
 * Deployment settings from the environment (read once). Defaults suit the simulator and a small cluster.
 *
 *   NEUROWEAVER_DEPLOY_MAX_REPLICAS      largest replica count (and autoscaling maxReplicas) accepted, 16
 *   NEUROWEAVER_HEALTH_INTERVAL_MS       health round period, 10000
 *   NEUROWEAVER_HEALTH_TIMEOUT_MS        timeout of each probe (/health, chat completion, /metrics), 1000
 *   NEUROWEAVER_HEALTH_RETENTION_HOURS   how long health checks are kept, 24
 */

const schema = z.object({
  NEUROWEAVER_DEPLOY_MAX_REPLICAS: envInt(1, 1000, 16),
  NEUROWEAVER_HEALTH_INTERVAL_MS: envInt(500, 3_600_000, 10_000),
  NEUROWEAVER_HEALTH_TIMEOUT_MS: envInt(50, 60_000, 1_000),
  NEUROWEAVER_HEALTH_RETENTION_HOURS: envInt(1, 24 * 90, 24),
});

export interface DeploymentConfig {
  maxReplicas: number;
  healthIntervalMs: number;
  probeTimeoutMs: number;
  retentionHours: number;
}

let cached: DeploymentConfig | undefined;

export function deploymentConfig(): DeploymentConfig {
  if (!cached) {
    const e = schema.parse(process.env);
    cached = {
      maxReplicas: e.NEUROWEAVER_DEPLOY_MAX_REPLICAS,
      healthIntervalMs: e.NEUROWEAVER_HEALTH_INTERVAL_MS,
      probeTimeoutMs: e.NEUROWEAVER_HEALTH_TIMEOUT_MS,
      retentionHours: e.NEUROWEAVER_HEALTH_RETENTION_HOURS,
    };
  }
  return cached;
}

/** Defaults of K (consecutive unhealthy checks before acting) and M (rollback window in minutes). */
export const DEFAULT_RESTART_AFTER_FAILURES = 3;
export const DEFAULT_ROLLBACK_WINDOW_MINUTES = 10;

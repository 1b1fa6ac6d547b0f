import { z } from 'zod';
import { emptyAsUnset } from '@/server/env-fields';
import { ConfigError } from '@/server/env';
import type { TrainingClusterConfig } from '@/server/cluster';

/*
 * Training settings read from the environment (validated once, empty strings count as unset):
 *
 *   NEUROWEAVER_TRAINER_IMAGE          trainer image for the GPU stages (default neuroweaver/trainer:latest)
 *   NEUROWEAVER_TRAINER_CALLBACK_URL   URL trainers POST events to; default `${NEXTAUTH_URL}/api/v1/trainer/events`
 *                                      (set it to the dedicated API process, `npm run api`, in production)
 *   NEUROWEAVER_DATASETS_PVC           PVC with the uploaded datasets (default neuroweaver-datasets)
 *   NEUROWEAVER_ARTIFACTS_PVC          PVC receiving checkpoints (default neuroweaver-artifacts)
 *   NEUROWEAVER_SIM_FAIL_STAGES        simulated cluster only: comma-separated stages whose Jobs the simulated
 *                                      trainer fails (fault injection for demos and tests)
 *   NEUROWEAVER_SIM_TRAINER_SECONDS    simulated cluster only: cluster-time length of each simulated training
 *                                      Job (`simDurationSeconds` in NW_CONFIG; default: the simulator's own)
 *   NEUROWEAVER_TRAINING_FALLBACK_POLL_MS  how often training pages re-read on their own, as a safety net under
 *                                      the pushed updates (default 20000; 0 turns it off, as the e2e tests do
 *                                      to prove the push works alone)
 *   NEUROWEAVER_TRAINING_LOG_MAX_LINES newest log lines kept per stage attempt (default 10,000); older ones are
 *                                      deleted as new ones arrive (server/training/logs.ts)
 *   NEUROWEAVER_TRAINING_LOG_RETENTION_DAYS  days after a pipeline finished that its logs are deleted by the
 *                                      maintenance worker (default 30)
 */


const schema = z.object({
  NEUROWEAVER_TRAINER_IMAGE: z.preprocess(emptyAsUnset, z.string().default('neuroweaver/trainer:latest')),
  NEUROWEAVER_TRAINER_CALLBACK_URL: z.preprocess(emptyAsUnset, z.url({ error: 'must be a URL' }).optional()),
  NEXTAUTH_URL: z.preprocess(emptyAsUnset, z.string().optional()),
  PORT: z.preprocess(emptyAsUnset, z.string().optional()),
  NEUROWEAVER_DATASETS_PVC: z.preprocess(emptyAsUnset, z.string().default('neuroweaver-datasets')),
  NEUROWEAVER_ARTIFACTS_PVC: z.preprocess(emptyAsUnset, z.string().default('neuroweaver-artifacts')),
  NEUROWEAVER_SIM_FAIL_STAGES: z.preprocess(emptyAsUnset, z.string().default('')),
  NEUROWEAVER_SIM_TRAINER_SECONDS: z.preprocess(emptyAsUnset, z.coerce.number({ error: 'must be a number' }).positive('must be greater than 0').optional()),
  NEUROWEAVER_TRAINING_FALLBACK_POLL_MS: z.preprocess(emptyAsUnset, z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(0, 'must be 0 (off) or more').default(20_000)),
  NEUROWEAVER_TRAINING_LOG_MAX_LINES: z.preprocess(emptyAsUnset, z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(100, 'must be at least 100').max(10_000_000, 'must be at most 10,000,000').default(10_000)),
  NEUROWEAVER_TRAINING_LOG_RETENTION_DAYS: z.preprocess(emptyAsUnset, z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(36_500, 'must be at most 36,500').default(30)),
});

export interface TrainingSettings {
  image: string;
  callbackUrl: string;
  cluster: TrainingClusterConfig;
  simFailStages: Set<string>;
  simTrainerSeconds: number | undefined;
  /** Milliseconds between the training pages' own re-reads under the pushed updates; 0 = none. */
  fallbackPollMs: number;
  logs: LogRetention;
}

/** How much of the training logs is kept (server/training/logs.ts). */
export interface LogRetention {
  /** Newest lines kept per stage attempt. */
  maxLinesPerAttempt: number;
  /** Logs of pipelines finished longer ago than this are deleted. */
  retentionDays: number;
}

const KEYS = Object.keys(schema.shape) as (keyof typeof schema.shape)[];
let last: { values: string; settings: TrainingSettings } | undefined;

/**
 * Follows the environment (tests change it between cases), but parses it again only when one of its values
 * changed: this is read on every dispatch and log write, where a zod parse per call showed in profiles.
 */
export function trainingSettings(env: Record<string, string | undefined> = process.env): TrainingSettings {
  const values = KEYS.map((k) => env[k] ?? '\u0000').join('\u0001');
  if (last?.values === values) return last.settings;
  const settings = parseSettings(env);
  last = { values, settings };
  return settings;
}

function parseSettings(env: Record<string, string | undefined>): TrainingSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Configuration error: ${String(issue.path[0])} ${issue.message}`);
  }
  const e = parsed.data;
  const base = (e.NEXTAUTH_URL ?? `http://localhost:${e.PORT ?? '3000'}`).replace(/\/+$/, '');
  return {
    image: e.NEUROWEAVER_TRAINER_IMAGE,
    callbackUrl: e.NEUROWEAVER_TRAINER_CALLBACK_URL ?? `${base}/api/v1/trainer/events`,
    cluster: {
      datasets: { claimName: e.NEUROWEAVER_DATASETS_PVC },
      artifacts: { claimName: e.NEUROWEAVER_ARTIFACTS_PVC },
    },
    simTrainerSeconds: e.NEUROWEAVER_SIM_TRAINER_SECONDS,
    fallbackPollMs: e.NEUROWEAVER_TRAINING_FALLBACK_POLL_MS,
    simFailStages: new Set(e.NEUROWEAVER_SIM_FAIL_STAGES.split(',').map((s) => s.trim()).filter(Boolean)),
    logs: { maxLinesPerAttempt: e.NEUROWEAVER_TRAINING_LOG_MAX_LINES, retentionDays: e.NEUROWEAVER_TRAINING_LOG_RETENTION_DAYS },
  };
}

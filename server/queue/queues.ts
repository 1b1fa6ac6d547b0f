/**
 * The queue contract shared by producers (web) and workers: which queues exist, which jobs each one
 * carries and the payload of each job. Producers validate against it before adding a job and workers
 * validate again before processing, so a payload from an older deploy cannot reach a processor unchecked.
 *
 * To add a queue: add an entry to `queueContracts` (its name, job names and zod payloads, and job options
 * only where the defaults do not fit), then a processor in workers/processors/ and a line in workers/main.ts.
 */
import type { DefaultJobOptions } from 'bullmq';
import { z } from 'zod';

interface QueueContract {
  /** Job name → payload schema. Defaults in the schema are filled in before the job is stored. */
  jobs: Record<string, z.ZodType>;
  /** Overrides `defaultJobOptions` for every job of this queue. */
  jobOptions?: DefaultJobOptions;
}

export const queueContracts = {
  /** Housekeeping on a timer (server/queue/schedules.ts). */
  maintenance: {
    jobs: {
      /** Moves approval requests that waited longer than `olderThanHours` to expired. */
      'expire-approvals': z.object({
        olderThanHours: z.number().int().min(1).max(24 * 365).default(168),
      }),
      /**
       * Training log retention (server/training/log-retention.ts); each field defaults to its
       * NEUROWEAVER_TRAINING_LOG_* setting, read when the job runs.
       */
      'prune-training-logs': z.object({
        maxLinesPerAttempt: z.number().int().min(100).max(10_000_000).optional(),
        retentionDays: z.number().int().min(1).max(36_500).optional(),
      }),
    },
    // Idempotent and re-run every 10 minutes anyway: no point retrying for long.
    jobOptions: { attempts: 2 },
  },
  /** Deployments: the health monitor's rounds and redeploys after registry alias moves. */
  deployments: {
    jobs: {
      /** One round of health checks over every active deployment (a single schedule for all of them). */
      'health-round': z.object({}),
      /** The registry moved an alias; a production deployment of the family follows it. */
      'alias-moved': z.object({
        familyId: z.uuid(),
        stage: z.enum(['staging', 'production']),
        version: z.string().min(1).max(128),
        reason: z.string().max(1000).optional(),
      }),
    },
    // A round is repeated every few seconds anyway; keep few finished ones.
    jobOptions: { attempts: 3, removeOnComplete: { count: 200 }, removeOnFail: { count: 500 } },
  },
  /** A/B tests: the periodic lift snapshots (server/ab/lift-snapshot-round.ts). */
  ab: {
    jobs: {
      /** Snapshots the lift of every running test whose latest point is over a minute old (a single schedule for all of them). */
      'lift-snapshot-round': z.object({}),
    },
    // Idempotent and repeated every minute anyway: one retry, few finished jobs kept.
    jobOptions: { attempts: 2, removeOnComplete: { count: 200 }, removeOnFail: { count: 500 } },
  },
  /** Training pipelines (server/training): one job per stage attempt, id `<pipeline>.<stage>.<attempt>` (`….judge` for evaluate's judging). */
  training: {
    jobs: {
      /** Runs a worker stage, or dispatches a GPU stage's Kubernetes Job (the watcher finishes it). */
      'run-stage': z.object({
        pipelineId: z.uuid(),
        stage: z.enum(['prepare', 'sft', 'generate', 'feedback', 'reward_model', 'ppo', 'evaluate', 'register']),
        attempt: z.number().int().min(1),
      }),
      /** After the evaluate Job succeeded: judges the win rate against the parent version, then completes evaluate. */
      'judge-evaluation': z.object({
        pipelineId: z.uuid(),
        stage: z.literal('evaluate'),
        attempt: z.number().int().min(1),
      }),
    },
    // Stages are idempotent; a transient failure (database, cluster API, judge) is retried quickly.
    jobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 1_000 } },
  },
} as const satisfies Record<string, QueueContract>;

export type QueueName = keyof typeof queueContracts;
export const queueNames = Object.keys(queueContracts) as QueueName[];

export type JobName<Q extends QueueName> = keyof (typeof queueContracts)[Q]['jobs'] & string;
type JobSchema<Q extends QueueName, J extends JobName<Q>> = (typeof queueContracts)[Q]['jobs'][J] & z.ZodType;
/** What a producer passes: fields with defaults may be left out. */
export type JobInput<Q extends QueueName, J extends JobName<Q>> = z.input<JobSchema<Q, J>>;
/** What a processor receives: validated, defaults filled in. */
export type JobPayload<Q extends QueueName, J extends JobName<Q>> = z.output<JobSchema<Q, J>>;
/** Queue → job name → payload, for code that wants the whole map. */
export type QueuePayloads = { [Q in QueueName]: { [J in JobName<Q>]: JobPayload<Q, J> } };

/**
 * Retry transient failures with exponential backoff (5 s, 10 s, 20 s…); keep finished jobs long enough to
 * inspect, but bounded so Redis does not grow without limit. `age` is in seconds.
 */
export const defaultJobOptions: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 1_000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 5_000 },
};

export function jobOptionsFor(queue: QueueName): DefaultJobOptions {
  const contract: QueueContract = queueContracts[queue];
  return { ...defaultJobOptions, ...contract.jobOptions };
}

export function isJobName<Q extends QueueName>(queue: Q, name: string): name is JobName<Q> {
  return Object.hasOwn(queueContracts[queue].jobs, name);
}

/** The payload schema of one job; unknown job names are a programming error. */
export function payloadSchema<Q extends QueueName, J extends JobName<Q>>(queue: Q, job: J): JobSchema<Q, J> {
  const jobs: Record<string, z.ZodType> = queueContracts[queue].jobs;
  const schema = jobs[job];
  if (!schema) throw new Error(`Queue "${queue}" has no job "${job}"`);
  return schema as JobSchema<Q, J>;
}

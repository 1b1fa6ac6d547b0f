import { type Job, type RateLimiterOptions, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { type RequestMeta, systemActor } from '@/server/auth/actor';
import { getEnv } from '@/server/env';
import { logger } from '@/server/logger';
import { isJobName, type JobName, type JobPayload, payloadSchema, type QueueName } from '@/server/queue/queues';
import { createRedis } from '@/server/queue/redis';

/** What a processor receives: the job name and its payload, already validated and narrowed together. */
export type JobContext<Q extends QueueName> = {
  [J in JobName<Q>]: {
    name: J;
    payload: JobPayload<Q, J>;
    job: Job;
    /** The system actor, with `job:<queue>:<id>` as request id so audit events point back to the job. */
    meta: RequestMeta;
    /** Aborted when the job is cancelled (`worker.cancelJob`); long steps should stop at the next checkpoint. */
    signal?: AbortSignal;
  };
}[JobName<Q>];

/**
 * Handles one job. Throw `UnrecoverableError` for failures a retry cannot fix (missing row, invalid state);
 * anything else is retried with backoff until the queue's attempts run out.
 */
export type QueueProcessor<Q extends QueueName> = (ctx: JobContext<Q>) => Promise<unknown>;

export interface RegisterOptions {
  concurrency: number;
  limiter?: RateLimiterOptions;
  /** Ms a job's lock lasts without renewal; a killed worker's job is taken over after it (BullMQ default 30 s). */
  lockDuration?: number;
  /** Ms between checks for stalled jobs (BullMQ default 30 s). */
  stalledInterval?: number;
}

export interface ProcessedCounts {
  completed: number;
  /** Failed for good (attempts used up or unrecoverable); a failure that will be retried is not counted. */
  failed: number;
}

const registered: { queue: QueueName; worker: Worker }[] = [];
const processed: Partial<Record<QueueName, ProcessedCounts>> = {};
let connection: Redis | undefined;

/** Starts consuming `queue`. Each payload is validated again against the contract before the processor sees it. */
export function register<Q extends QueueName>(queue: Q, processor: QueueProcessor<Q>, opts: RegisterOptions): Worker {
  // One retry-forever connection for all workers; BullMQ duplicates it for each worker's blocking reads.
  connection ??= createRedis('worker', 'nw-worker-bullmq');
  const counts = (processed[queue] = { completed: 0, failed: 0 });
  const log = logger.child({ queue });

  const worker = new Worker(
    queue,
    async (job: Job, _token?: string, signal?: AbortSignal) => {
      if (!isJobName(queue, job.name)) throw new UnrecoverableError(`Queue "${queue}" has no job "${job.name}"`);
      const parsed = payloadSchema(queue, job.name).safeParse(job.data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new UnrecoverableError(`Invalid payload for ${queue}/${job.name}: ${issue.path.join('.') || 'payload'}: ${issue.message}`);
      }
      const meta: RequestMeta = { actor: systemActor, requestId: `job:${queue}:${job.id}` };
      return processor({ name: job.name, payload: parsed.data, job, meta, signal } as JobContext<Q>);
    },
    {
      connection,
      prefix: getEnv().REDIS_PREFIX,
      concurrency: opts.concurrency,
      limiter: opts.limiter,
      ...(opts.lockDuration ? { lockDuration: opts.lockDuration } : {}),
      ...(opts.stalledInterval ? { stalledInterval: opts.stalledInterval } : {}),
    },
  );

  worker.on('completed', (job) => {
    counts.completed += 1;
    log.info({ jobId: job.id, job: job.name, ms: job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : undefined }, 'job completed');
  });
  worker.on('failed', (job, err) => {
    const final = !job || err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    const fields = { jobId: job?.id, job: job?.name, attempt: job?.attemptsMade, err };
    if (final) {
      counts.failed += 1;
      log.error(fields, 'job failed');
    } else {
      log.warn(fields, 'job failed, will retry');
    }
  });
  worker.on('stalled', (jobId) => log.warn({ jobId }, 'job stalled (its worker stopped renewing the lock); moved back to waiting'));
  // BullMQ emits an error for every failed reconnect while Redis is down: log each distinct one once a minute.
  let last = { message: '', at: 0 };
  worker.on('error', (err) => {
    const now = Date.now();
    if (err.message === last.message && now - last.at < 60_000) return;
    last = { message: err.message, at: now };
    log.error({ err }, 'worker error');
  });

  registered.push({ queue, worker });
  return worker;
}

export function registeredQueues(): QueueName[] {
  return registered.map((r) => r.queue);
}

/** Jobs finished per queue since start; reported in the heartbeat. */
export function processedCounts(): Partial<Record<QueueName, ProcessedCounts>> {
  return structuredClone(processed);
}

/**
 * Stops taking jobs and waits for the ones in flight to finish. With Redis unreachable it does not wait:
 * a job could not be marked finished anyway and waiting would hang the shutdown; such jobs come back as
 * stalled once Redis returns and their locks expire.
 */
export async function closeWorkers(): Promise<void> {
  const force = connection !== undefined && connection.status !== 'ready';
  if (force) logger.warn('Redis is unreachable: closing workers without waiting for jobs in flight');
  await Promise.allSettled(registered.map((r) => r.worker.close(force)));
}

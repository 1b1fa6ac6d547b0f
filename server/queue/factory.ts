import { type Job, type JobsOptions, Queue } from 'bullmq';
import { getEnv } from '@/server/env';
import { tickBatch } from '@/server/tick-batch';
import { type JobInput, type JobName, type JobPayload, jobOptionsFor, payloadSchema, type QueueName } from './queues';
import { getRedis } from './redis';

// Survives Next's hot reload in development, like the database pool.
const globalForQueues = globalThis as unknown as { __nwQueues?: Map<QueueName, Queue> };
const queues = (globalForQueues.__nwQueues ??= new Map());

/** The producer side of one queue, made once per process and name. All queues live under REDIS_PREFIX. */
export function getQueue(name: QueueName): Queue {
  let queue = queues.get(name);
  if (!queue) {
    queue = new Queue(name, { connection: getRedis(), prefix: getEnv().REDIS_PREFIX, defaultJobOptions: jobOptionsFor(name) });
    queue.on('error', () => {
      /* connection errors are logged once by server/queue/redis.ts and surface on the next command */
    });
    queues.set(name, queue);
  }
  return queue;
}

export interface EnqueueOptions {
  /**
   * Deduplicates: while a job with this id exists (waiting, active, or kept after finishing), adding it again
   * returns the existing job. Use the id of the database row the job works on. Must not be an integer or contain ":".
   */
  jobId?: string;
  /** Milliseconds to wait before the job may run. */
  delay?: number;
  priority?: number;
}

/**
 * Validates the payload against the queue contract, then adds the job. An invalid payload throws the
 * ZodError here, in the producer, rather than failing later in a worker.
 */
export async function enqueue<Q extends QueueName, J extends JobName<Q>>(
  queue: Q,
  job: J,
  payload: JobInput<Q, J>,
  opts: EnqueueOptions = {},
): Promise<Job<JobPayload<Q, J>>> {
  const data = payloadSchema(queue, job).parse(payload);
  // Only the options given: an explicit `undefined` would override the queue's defaults.
  const { jobId, delay, priority } = opts;
  const jobOpts: JobsOptions = Object.fromEntries(Object.entries({ jobId, delay, priority }).filter(([, v]) => v !== undefined));
  return addInThisTick(queue)({ name: job, data, opts: jobOpts }) as Promise<Job<JobPayload<Q, J>>>;
}

/**
 * Removes a job that has not started yet (waiting or delayed); false when it is running (locked). For a
 * job that turned out to be unneeded before its time came.
 */
export async function removeJob(queue: QueueName, jobId: string): Promise<boolean> {
  return (await getQueue(queue).remove(jobId)) === 1;
}

type BulkJob = { name: string; data: unknown; opts: JobsOptions };
const bulkAdders = new Map<QueueName, (job: BulkJob) => Promise<Job>>();

/**
 * Jobs enqueued on one queue in the same turn of the event loop are added with one `addBulk`: one round trip
 * to Redis for a burst of stage transitions instead of one each. Each job keeps its own options (its id
 * still deduplicates); if the bulk add fails, every enqueue of that turn rejects with its error.
 */
function addInThisTick(queue: QueueName): (job: BulkJob) => Promise<Job> {
  let add = bulkAdders.get(queue);
  if (!add) {
    add = tickBatch((jobs: BulkJob[]) => getQueue(queue).addBulk(jobs));
    bulkAdders.set(queue, add);
  }
  return add;
}

/** Closes every queue this process opened (their shared Redis client is closed by closeRedis()). */
export async function closeQueues(): Promise<void> {
  const all = [...queues.values()];
  queues.clear();
  await Promise.allSettled(all.map((q) => q.close()));
}

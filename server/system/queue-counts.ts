import type { Queue } from 'bullmq';
import { getQueue } from '@/server/queue/factory';
import { queueNames } from '@/server/queue/queues';
import { describeError, withTimeout } from './probe';
import type { JobCounts, SystemStatus } from './schemas';

/** Job counts per queue; a queue Redis could not answer for is listed with `counts: null` and the reason. */
export async function queueStatuses(): Promise<SystemStatus['queues']> {
  return Promise.all(
    queueNames.map(async (name) => {
      try {
        return { name, counts: await withTimeout(countJobs(getQueue(name))) };
      } catch (error) {
        return { name, counts: null, error: describeError(error) };
      }
    }),
  );
}

/**
 * BullMQ has no "paused" job state: a paused queue keeps its jobs in the wait list. They are reported as
 * paused rather than waiting so the page shows why nothing moves. Prioritized jobs are waiting jobs too.
 */
async function countJobs(queue: Queue): Promise<JobCounts> {
  const [raw, isPaused] = await Promise.all([
    queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'),
    queue.isPaused(),
  ]);
  const ready = (raw.waiting ?? 0) + (raw.prioritized ?? 0);
  return {
    waiting: isPaused ? 0 : ready,
    active: raw.active ?? 0,
    delayed: raw.delayed ?? 0,
    completed: raw.completed ?? 0,
    failed: raw.failed ?? 0,
    paused: isPaused ? ready : 0,
  };
}

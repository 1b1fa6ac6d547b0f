import { abConfig } from '@/server/ab/config';
import { deploymentConfig } from '@/server/deployments/config';
import { getQueue } from './factory';
import { type JobInput, type JobName, payloadSchema, type QueueName } from './queues';

export interface Schedule<Q extends QueueName = QueueName, J extends JobName<Q> = JobName<Q>> {
  /** Scheduler id in BullMQ; upserting the same id updates the schedule instead of adding a second one. */
  id: string;
  queue: Q;
  job: J;
  everyMs: number;
  payload: JobInput<Q, J>;
}

/** Keeps each entry's payload type tied to its queue and job. */
function schedule<Q extends QueueName, J extends JobName<Q>>(s: Schedule<Q, J>): Schedule {
  return s as unknown as Schedule;
}

/** Repeating jobs. The worker process upserts these at start, so changing a line here reschedules on the next deploy. */
export const schedules: Schedule[] = [
  schedule({ id: 'expire-approvals', queue: 'maintenance', job: 'expire-approvals', everyMs: 10 * 60_000, payload: { olderThanHours: 168 } }),
  // Logs of runs finished over NEUROWEAVER_TRAINING_LOG_RETENTION_DAYS ago; the per-attempt limit is kept as lines arrive.
  schedule({ id: 'prune-training-logs', queue: 'maintenance', job: 'prune-training-logs', everyMs: 60 * 60_000, payload: {} }),
  // One schedule for every deployment: each round checks all of them (NEUROWEAVER_HEALTH_INTERVAL_MS).
  schedule({ id: 'deployment-health', queue: 'deployments', job: 'health-round', everyMs: deploymentConfig().healthIntervalMs, payload: {} }),
  // One schedule for every running A/B test: each round snapshots the lift of those due (NEUROWEAVER_AB_SNAPSHOT_INTERVAL_MS).
  schedule({ id: 'ab-lift-snapshots', queue: 'ab', job: 'lift-snapshot-round', everyMs: abConfig().snapshotIntervalMs, payload: {} }),
];

/**
 * Upserts the schedules of the given queues and removes schedulers on them that are no longer listed,
 * so a schedule deleted from the table stops firing.
 */
export async function applySchedules(queueNames: readonly QueueName[]): Promise<void> {
  for (const name of queueNames) {
    const queue = getQueue(name);
    const wanted = schedules.filter((s) => s.queue === name);
    for (const s of wanted) {
      // The table mixes queues, so the pairing is checked at run time here (and at compile time in `schedule`).
      const data = (payloadSchema as (q: QueueName, j: string) => { parse(v: unknown): unknown })(s.queue, s.job).parse(s.payload);
      await queue.upsertJobScheduler(s.id, { every: s.everyMs }, { name: s.job, data });
    }
    const existing = await queue.getJobSchedulers();
    // BullMQ reports a scheduler's id as `key` (`id` is left empty for schedulers made by upsertJobScheduler).
    for (const id of existing.map((e) => e.id || e.key).filter((id) => !wanted.some((s) => s.id === id))) {
      await queue.removeJobScheduler(id);
    }
  }
}

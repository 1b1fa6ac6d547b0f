import { expireStaleApprovals } from '@/server/registry/approvals';
import { pruneTrainingLogs } from '@/server/training/log-retention';
import type { QueueProcessor } from '../register';

/** Housekeeping jobs; each is idempotent, so a retry or an overlapping run does no harm. */
export const maintenanceProcessor: QueueProcessor<'maintenance'> = async ({ name, payload, meta }) => {
  switch (name) {
    case 'expire-approvals': {
      const expired = await expireStaleApprovals(meta, payload.olderThanHours);
      return { expired };
    }
    case 'prune-training-logs':
      return pruneTrainingLogs(payload);
    default:
      return assertNever(name);
  }
};

function assertNever(value: never): never {
  throw new Error(`Unhandled job ${String(value)}`);
}

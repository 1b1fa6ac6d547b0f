import { expireStaleDeploymentRequests } from '@/server/deployments/requests';
import { expireStaleApprovals } from '@/server/registry/approvals';
import { pruneTrainingLogs } from '@/server/training/log-retention';
import type { QueueProcessor } from '../register';

/** Housekeeping jobs; each is idempotent, so a retry or an overlapping run does no harm. */
export const maintenanceProcessor: QueueProcessor<'maintenance'> = async ({ name, payload, meta }) => {
  switch (name) {
    case 'expire-approvals': {
      // Registry approvals and production deploy requests share the limit: both wait on an admin.
      const expired = await expireStaleApprovals(meta, payload.olderThanHours);
      const expiredDeployRequests = await expireStaleDeploymentRequests(meta, payload.olderThanHours);
      return { expired, expiredDeployRequests };
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

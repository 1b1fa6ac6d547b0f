import { createTRPCRouter, scopedProcedure } from '@/server/api/trpc';
import { getSystemStatus } from './service';

export const systemRouter = createTRPCRouter({
  /** Web, workers, queues, database and Redis at a glance; never fails because a dependency is down. */
  status: scopedProcedure('system:read').query(() => getSystemStatus()),
});

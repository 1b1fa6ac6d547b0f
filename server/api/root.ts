import { abRouter } from '@/server/ab/router';
import { auditRouter } from '@/server/audit/router';
import { authRouter } from '@/server/auth/router';
import { clusterRouter } from '@/server/cluster/router';
import { deploymentsRouter } from '@/server/deployments/router';
import { registryRouter } from '@/server/registry/router';
import { systemRouter } from '@/server/system/router';
import { trainingRouter } from '@/server/training/router';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  ab: abRouter,
  auth: authRouter,
  audit: auditRouter,
  cluster: clusterRouter,
  deployments: deploymentsRouter,
  registry: registryRouter,
  system: systemRouter,
  training: trainingRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller for tests and server components: `createCaller(createInnerTRPCContext({ actor }))`. */
export const createCaller = createCallerFactory(appRouter);

import { z } from 'zod';
import { createTRPCRouter, scopedProcedure } from '@/server/api/trpc';
import { createTest } from './create-test';
import { getResults } from './get-results';
import { getTest } from './get-test';
import { listLiftHistory } from './lift-history';
import { listTests } from './list-tests';
import { createTestSchema, liftHistorySchema, listTestsSchema, shipTestSchema, stopTestSchema, testRef } from './schemas';
import { shipTest } from './ship-test';
import { startTest } from './start-test';
import { stopTest } from './stop-test';

const test = z.object({ id: testRef });

/** The A/B testing UI's procedures; assignment and events are machine traffic and only on REST. */
export const abRouter = createTRPCRouter({
  list: scopedProcedure('abTests:read').input(listTestsSchema).query(({ input }) => listTests(input)),
  get: scopedProcedure('abTests:read').input(test).query(({ input }) => getTest(input.id)),
  create: scopedProcedure('abTests:manage').input(createTestSchema).mutation(({ ctx, input }) => createTest(ctx.meta, input)),
  start: scopedProcedure('abTests:manage').input(test).mutation(({ ctx, input }) => startTest(ctx.meta, input.id)),
  stop: scopedProcedure('abTests:manage').input(test.extend(stopTestSchema.shape)).mutation(({ ctx, input }) => stopTest(ctx.meta, input.id, input.reason)),
  /** Accept a `ship` recommendation: production promotion of the winner (or its approval request). */
  ship: scopedProcedure('abTests:manage').input(test.extend(shipTestSchema.shape)).mutation(({ ctx, input }) => shipTest(ctx.meta, input.id, input.reason)),
  results: scopedProcedure('abTests:read').input(test).query(({ input }) => getResults(input.id)),
  /** Cumulative relative lift over time with its CI, for the chart (latest points, oldest first). */
  liftHistory: scopedProcedure('abTests:read').input(test.extend(liftHistorySchema.shape)).query(({ input }) => listLiftHistory(input.id, input.limit)),
});

import { z } from 'zod';
import { createTRPCRouter, scopedProcedure } from '@/server/api/trpc';
import { trainingJudgeRouter } from './judge/router';
import { openListStream, openPipelineStream } from './live';
import { cancelSchema, listPipelinesSchema, liveQuerySchema, logsQuerySchema, metricsQuerySchema, pipelineId, startPipelineSchema } from './schemas';
import { cancelPipeline, getPipelineLogs, getPipelineMetrics, getPipelineStatus, listPipelines, retryPipeline, startPipeline } from './service';

const byId = z.object({ id: pipelineId });

/** Training pipelines for the UI; thin adapters over ./service.ts, like ./rest.ts. */
export const trainingRouter = createTRPCRouter({
  /** Starts a pipeline from the shared configuration schema. */
  start: scopedProcedure('training:manage').input(startPipelineSchema).mutation(({ ctx, input }) => startPipeline(ctx.meta, input)),
  list: scopedProcedure('training:read').input(listPipelinesSchema).query(({ input }) => listPipelines(input)),
  status: scopedProcedure('training:read').input(byId).query(({ input }) => getPipelineStatus(input.id)),
  metrics: scopedProcedure('training:read').input(byId.extend(metricsQuerySchema.shape)).query(({ input: { id, ...q } }) => getPipelineMetrics(id, q)),
  /**
   * Server-sent events: the pipeline's status (as `status` returns it) now and after every change, pushed
   * through Redis from whichever process made it (./live.ts). Same scope as `status`.
   */
  live: scopedProcedure('training:read').input(liveQuerySchema).subscription(({ input, signal }) => openPipelineStream(input.id, { lastEventId: input.lastEventId, signal })),
  /** Server-sent events for the list page: ids of pipelines whose status or progress changed. */
  liveList: scopedProcedure('training:read').subscription(({ signal }) => openListStream({ signal })),
  logs: scopedProcedure('training:read').input(byId.extend(logsQuerySchema.shape)).query(({ input }) => getPipelineLogs(input.id, input.limit)),
  cancel: scopedProcedure('training:manage').input(byId.extend(cancelSchema.shape)).mutation(({ ctx, input }) => cancelPipeline(ctx.meta, input.id, input.reason)),
  retry: scopedProcedure('training:manage').input(byId).mutation(({ ctx, input }) => retryPipeline(ctx.meta, input.id)),
  /** Judge results of the feedback stage (server/training/judge). */
  judge: trainingJudgeRouter,
});

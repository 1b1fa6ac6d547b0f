import { z } from 'zod';
import { createTRPCRouter, scopedProcedure } from '@/server/api/trpc';
import { getJudgeResults } from './results';
import { getWinRate } from './win-rate-view';

/** The AI-feedback procedures; core mounts this as `training.judge`. */
export const trainingJudgeRouter = createTRPCRouter({
  /** Judge results of one pipeline: run usage/cost, score histogram, mean per prompt category, sample rows. */
  results: scopedProcedure('training:read')
    .input(z.object({ pipelineId: z.uuid('must be a pipeline id (uuid)'), limit: z.number().int().min(1).max(2000).default(500) }))
    .query(({ input }) => getJudgeResults(input.pipelineId, input.limit)),
  /** The evaluate stage's judge win rate against the parent version (null before evaluate was dispatched). */
  winRate: scopedProcedure('training:read')
    .input(z.object({ pipelineId: z.uuid('must be a pipeline id (uuid)') }))
    .query(({ input }) => getWinRate(input.pipelineId)),
});

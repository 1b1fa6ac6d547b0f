import { z } from 'zod';
import { trainingPipelineStatusEnum } from '@/db/schema/training';
import { pipelineConfigSchema } from './config';
import { STAGES } from './stages';

export const pipelineId = z.uuid('must be a pipeline id (uuid)');
/** Path parameter: checked by the service, so an id that is not a pipeline's is a 404 whatever its shape. */
export const pipelineRef = z.string().trim().min(1, 'is required').max(100);

/** Start = the shared pipeline configuration (server/training/config.ts), nothing else. */
export const startPipelineSchema = pipelineConfigSchema;

export const listPipelinesSchema = z.object({
  status: z.enum(trainingPipelineStatusEnum.enumValues, { error: `status must be one of ${trainingPipelineStatusEnum.enumValues.join(', ')}` }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** Opaque cursor from the previous page. */
  cursor: z.string().max(200).optional(),
});
export type ListPipelinesInput = z.infer<typeof listPipelinesSchema>;

export const metricsQuerySchema = z.object({
  stage: z.enum(STAGES).optional(),
  /** Only points after this metric row id (for incremental polling). */
  after: z.coerce.number().int().min(0).optional(),
});
export type MetricsQuery = z.infer<typeof metricsQuerySchema>;

export const logsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) });

export const cancelSchema = z.object({ reason: z.string().trim().max(1000).optional() });

/** The `training.live` subscription: which pipeline, and the last event the browser saw when it resumes (SSE Last-Event-ID). */
export const liveQuerySchema = z.object({ id: pipelineId, lastEventId: z.string().max(100).nullish() });

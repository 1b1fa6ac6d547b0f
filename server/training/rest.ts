import { z } from 'zod';
import { defineRoute, type RestRoute } from '@/server/http/route';
import { ingestTrainerEvents, trainerEventsBodySchema } from './ingest';
import { logsResponse, metricsResponse, pipelinePageResponse, pipelineStatusResponse, startResponse, trainerEventsResponse } from './responses';
import { cancelSchema, listPipelinesSchema, logsQuerySchema, metricsQuerySchema, pipelineRef, startPipelineSchema } from './schemas';
import { cancelPipeline, getPipelineLogs, getPipelineMetrics, getPipelineStatus, listPipelines, retryPipeline, startPipeline } from './service';

const jobParams = z.object({ job_id: pipelineRef.describe('Training pipeline id (the jobId returned by start)') });
const tag = 'Training';

export const trainingRoutes: RestRoute[] = [
  defineRoute({
    method: 'POST', path: '/training/start', tag, scope: 'training:manage', summary: 'Start a training pipeline (QLoRA SFT, optional RLAIF); returns its id at once, workers run it', successStatus: 202,
    // Validated by the service (schema + GPU fit) so REST, tRPC and workers share one path; declared for the OpenAPI document.
    body: startPipelineSchema, response: startResponse,
    handler: ({ body, meta }) => startPipeline(meta, body),
  }),
  defineRoute({
    method: 'GET', path: '/training', tag, scope: 'training:read', summary: 'List training pipelines, newest first',
    query: listPipelinesSchema, response: pipelinePageResponse,
    handler: ({ query }) => listPipelines(query),
  }),
  defineRoute({
    method: 'GET', path: '/training/{job_id}/status', tag, scope: 'training:read', summary: 'Stage, per-stage status, progress 0–1, latest metrics, error',
    params: jobParams, response: pipelineStatusResponse,
    handler: ({ params }) => getPipelineStatus(params.job_id),
  }),
  defineRoute({
    method: 'GET', path: '/training/{job_id}/metrics', tag, scope: 'training:read', summary: 'Metric time series (loss, reward, KL…) of every stage',
    params: jobParams, query: metricsQuerySchema, response: metricsResponse,
    handler: ({ params, query }) => getPipelineMetrics(params.job_id, query),
  }),
  defineRoute({
    method: 'GET', path: '/training/{job_id}/logs', tag, scope: 'training:read', summary: 'The newest log lines (limit, default 200) and how many older ones retention pruned',
    params: jobParams, query: logsQuerySchema, response: logsResponse,
    handler: ({ params, query }) => getPipelineLogs(params.job_id, query.limit),
  }),
  defineRoute({
    method: 'POST', path: '/training/{job_id}/cancel', tag, scope: 'training:manage', summary: 'Cancel a queued or running pipeline (its Job is deleted; completed stages are kept)',
    params: jobParams, body: cancelSchema, response: pipelineStatusResponse,
    handler: ({ params, body, meta }) => cancelPipeline(meta, params.job_id, body.reason),
  }),
  defineRoute({
    method: 'POST', path: '/training/{job_id}/retry', tag, scope: 'training:manage', summary: 'Retry a failed or cancelled pipeline from the stage that stopped it',
    params: jobParams, response: pipelineStatusResponse,
    handler: ({ params, meta }) => retryPipeline(meta, params.job_id),
  }),
  defineRoute({
    // Authenticated by the per-job token (NW_JOB_TOKEN), not by an API key: see docs/trainer-contract.md.
    method: 'POST', path: '/trainer/events', tag, scope: null, summary: 'Trainer events (progress, metric, log, artifact) with the per-job token "Authorization: Bearer <NW_JOB_TOKEN>"', successStatus: 202,
    body: trainerEventsBodySchema, response: trainerEventsResponse,
    handler: ({ body, request }) => ingestTrainerEvents(request.headers.get('authorization'), body),
  }),
];

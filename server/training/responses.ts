import { z } from 'zod';
import { trainingPipelineStatusEnum, trainingStageStatusEnum } from '@/db/schema/training';
import { winRateStatusEnum } from '@/db/schema/training-win-rate';
import { STAGES } from './stages';

/** Response shapes for the OpenAPI document; they mirror service.ts. */
const isoDate = z.iso.datetime({ offset: true });

const pipelineSummary = {
  id: z.uuid(),
  name: z.string(),
  status: z.enum(trainingPipelineStatusEnum.enumValues),
  family: z.string(),
  baseModel: z.string(),
  rlaif: z.boolean(),
  currentStage: z.enum(STAGES).nullable(),
  fallbackReason: z.string().nullable().describe('Why RLAIF did not complete (the SFT model was registered instead)'),
  errorCode: z.string().nullable(),
  error: z.string().nullable(),
  resultVersion: z.string().nullable(),
  resultVersionId: z.uuid().nullable(),
  createdBy: z.string(),
  createdAt: isoDate,
  startedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
  progress: z.number().min(0).max(1),
};

export const startResponse = z.object({ jobId: z.uuid().describe('The pipeline id') }).meta({ id: 'TrainingStarted' });

const winRateCounts = { winRate: z.number().min(0).max(1).nullable(), wins: z.number().int(), ties: z.number().int(), losses: z.number().int() };

/** The evaluate stage's judge win rate against the parent version (server/training/judge/win-rate-view.ts). */
export const winRateView = z
  .object({
    status: z.enum(winRateStatusEnum.enumValues).describe('pending (being judged), judged, no_parent (first version of its family), failed (not measured; see reason)'),
    attempt: z.number().int(),
    family: z.string(),
    parentVersion: z.string().nullable().describe('The registry version judged against: the family’s latest, which register bumps from'),
    parentVersionId: z.uuid().nullable(),
    reason: z.string().nullable().describe('Why there is no win rate ("no parent version: …", or the judge’s failure)'),
    ...winRateCounts,
    failed: z.number().int().describe('Judgements that failed (malformed answers), left out of the rate'),
    byCategory: z.array(z.object({ category: z.string(), n: z.number().int(), ...winRateCounts })),
    judge: z.object({ model: z.string(), label: z.string(), simulated: z.boolean() }).nullable(),
    simulatedResponses: z.boolean().describe('The evaluate trainer wrote no eval_responses.jsonl; simulated responses were judged'),
    usage: z.object({ requests: z.number().int(), retries: z.number().int(), cacheHits: z.number().int(), promptTokens: z.number().int(), completionTokens: z.number().int() }),
    estimatedCostUsd: z.number().nullable(),
    startedAt: isoDate,
    finishedAt: isoDate.nullable(),
  })
  .meta({ id: 'TrainingWinRate' });

export const pipelineStatusResponse = z
  .object({
    ...pipelineSummary,
    config: z.record(z.string(), z.unknown()),
    result: z.object({ family: z.string(), version: z.string(), versionId: z.string().nullable() }).nullable(),
    stages: z.array(
      z.object({
        stage: z.enum(STAGES),
        kind: z.enum(['gpu', 'worker']),
        status: z.enum(trainingStageStatusEnum.enumValues),
        attempt: z.number().int(),
        jobName: z.string().nullable(),
        progress: z.number(),
        step: z.number().int().nullable(),
        totalSteps: z.number().int().nullable(),
        waiting: z.string().nullable().describe('e.g. "waiting for GPU (2nd in queue)"'),
        errorCode: z.string().nullable(),
        error: z.string().nullable().describe('The failure cause in plain words'),
        result: z.record(z.string(), z.unknown()),
        startedAt: isoDate.nullable(),
        finishedAt: isoDate.nullable(),
      }),
    ),
    latestMetrics: z.record(z.string(), z.record(z.string(), z.number())).describe('stage → metric → latest value (evaluate’s judge_win_rate among them)'),
    judgeWinRate: winRateView.nullable().describe('Judge win rate against the parent version; null until evaluate was dispatched'),
  })
  .meta({ id: 'TrainingPipelineStatus' });

export const pipelinePageResponse = z.object({ items: z.array(z.object(pipelineSummary)), nextCursor: z.string().nullable() }).meta({ id: 'TrainingPipelinePage' });

export const metricsResponse = z
  .object({
    points: z.array(z.object({ id: z.number().int(), stage: z.enum(STAGES), attempt: z.number().int(), name: z.string(), step: z.number().int(), value: z.number(), at: isoDate })),
    lastId: z.number().int().describe('Pass as `after` to get only newer points'),
  })
  .meta({ id: 'TrainingMetrics' });

export const logsResponse = z
  .object({
    lines: z.array(z.object({ id: z.number().int(), stage: z.enum(STAGES), attempt: z.number().int(), line: z.string(), at: isoDate })).describe('The newest lines, oldest first'),
    totalLines: z.number().int().describe('Lines the run wrote, including pruned ones'),
    prunedLines: z.number().int().describe('Older lines deleted by retention'),
    summary: z.string().describe('e.g. "showing last 200 of 12,345 lines; 2,345 older lines pruned"'),
    retention: z.object({
      maxLinesPerAttempt: z.number().int().describe('Newest lines kept per stage attempt (NEUROWEAVER_TRAINING_LOG_MAX_LINES)'),
      retentionDays: z.number().int().describe('Days after a run finished that its logs are kept (NEUROWEAVER_TRAINING_LOG_RETENTION_DAYS)'),
    }),
  })
  .meta({ id: 'TrainingLogs' });

export const trainerEventsResponse = z.object({ accepted: z.number().int() });

import { z } from 'zod';
import { abCorrectionEnum, abMethodEnum, abShipOutcomeEnum, abMetricDirectionEnum, abMetricKindEnum, abMetricRoleEnum, abTestStatusEnum } from '@/db/schema/ab';

/** Response shapes for the OpenAPI document; they mirror views.ts and the engine's AbTestResults. */
const isoDate = z.iso.datetime({ offset: true });
const kind = z.enum(abMetricKindEnum.enumValues);
const role = z.enum(abMetricRoleEnum.enumValues);
const direction = z.enum(abMetricDirectionEnum.enumValues);

export const testResponse = z
  .object({
    id: z.uuid(),
    name: z.string(),
    modelId: z.uuid(),
    status: z.enum(abTestStatusEnum.enumValues),
    method: z.enum(abMethodEnum.enumValues),
    alpha: z.number(),
    power: z.number(),
    minimumDetectableEffect: z.number(),
    minSamplePerVariant: z.number().int(),
    sequentialTuning: z.number(),
    correction: z.enum(abCorrectionEnum.enumValues),
    prior: z.object({ mean: z.number(), stdDev: z.number() }).nullable(),
    variants: z.array(z.object({ key: z.string(), version: z.string(), versionId: z.uuid(), weight: z.number(), description: z.string(), control: z.boolean() })),
    metrics: z.array(z.object({ name: z.string(), kind, role, direction, denominator: z.string().nullable() })),
    createdBy: z.string(),
    createdAt: isoDate,
    updatedAt: isoDate,
    startedAt: isoDate.nullable(),
    stoppedAt: isoDate.nullable(),
    decision: z
      .object({
        variant: z.string(),
        version: z.string().nullable(),
        outcome: z.enum(abShipOutcomeEnum.enumValues).describe('promoted: the production alias moved; approval_requested: an admin must approve (approvalId)'),
        approvalId: z.uuid().nullable(),
        by: z.string(),
        at: isoDate,
      })
      .nullable()
      .describe('The accepted ship decision, once taken'),
  })
  .meta({ id: 'AbTest' });

export const testPageResponse = z.object({ items: z.array(testResponse), total: z.number().int() });

export const assignResponse = z
  .object({ variant: z.string().meta({ example: 'treatment' }), version: z.string().meta({ example: '1.3.0' }) })
  .meta({ id: 'AbAssignment' });

export const ingestResponse = z
  .object({
    accepted: z.number().int().describe('Events stored (for a repeated idempotency key: by the first request)'),
    duplicate: z.boolean().describe('The idempotency key was seen before; nothing was counted again'),
    newUnits: z.number().int().describe('Units exposed for the first time by these events'),
  })
  .meta({ id: 'AbIngestResult' });

const interval = z.object({ effect: z.number().nullable(), ciLower: z.number().nullable(), ciUpper: z.number().nullable() });

export const resultsResponse = z
  .object({
    testId: z.uuid(),
    status: z.string(),
    method: z.enum(abMethodEnum.enumValues),
    alpha: z.number(),
    srm: z.object({ pValue: z.number().nullable(), ok: z.boolean(), observed: z.array(z.number().int()), expectedShare: z.array(z.number()) }),
    metrics: z.array(
      z.object({
        name: z.string(),
        kind,
        role,
        direction,
        variants: z.array(z.object({ key: z.string(), n: z.number().int(), mean: z.number(), stdDev: z.number() })),
        comparisons: z.array(
          z.object({
            variant: z.string(),
            control: z.string(),
            absolute: interval,
            relative: interval,
            pValue: z.number().nullable(),
            pValueAdjusted: z.number().nullable(),
            significant: z.boolean(),
            chanceToWin: z.number().nullable(),
            risk: z.object({ control: z.number(), treatment: z.number() }).nullable(),
          }),
        ),
      }),
    ),
    sampleSize: z.object({ requiredPerVariant: z.number().nullable(), minPerVariant: z.number(), progress: z.number() }),
    recommendation: z.object({ action: z.enum(['ship', 'keep_control', 'continue', 'investigate']), variant: z.string().nullable(), reason: z.string() }),
  })
  .meta({ id: 'AbTestResults' });

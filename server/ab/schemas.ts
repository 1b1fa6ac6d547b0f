import { z } from 'zod';
import { abCorrectionEnum, abMethodEnum, abMetricDirectionEnum, abMetricKindEnum, abMetricRoleEnum, abTestStatusEnum } from '@/db/schema/ab';
import { modelRef, semverString } from '@/server/registry/schemas';

export const MAX_EVENTS_PER_REQUEST = 10_000;
const WEIGHT_TOLERANCE = 1e-9;

const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `must be one of ${values.join(', ')}` });

export const variantKey = z.string().trim().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 letters, digits, _ . -');
export const abMetricName = z.string().regex(/^[A-Za-z0-9_.\-/]{1,64}$/, 'metric names are 1–64 characters of letters, digits, _ . - /');
/** Test ids arrive in URLs; anything that is not a uuid is simply not found (404), never a 422. */
export const testRef = z.string().trim().min(1, 'is required').max(100);

const variantSchema = z.object({
  key: variantKey,
  version: semverString,
  weight: z.number({ error: 'must be a number' }).gt(0, 'must be greater than 0').lt(1, 'must be less than 1'),
  description: z.string().max(1000, 'must be at most 1000 characters').optional(),
});

const metricSchema = z.object({
  name: abMetricName,
  kind: oneOf(abMetricKindEnum.enumValues),
  role: oneOf(abMetricRoleEnum.enumValues),
  direction: oneOf(abMetricDirectionEnum.enumValues),
  denominator: abMetricName.optional().describe('Ratio metrics only: the event metric summed per unit as the denominator'),
});

/** The body of `POST /api/v1/ab-tests`; cross-field rules name the offending field (`variants.2.key`). */
export const createTestSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
    modelId: modelRef.describe('Model family id (uuid) or slug; every variant is a version of it'),
    variants: z.array(variantSchema).min(2, 'needs at least two variants (the first is the control)').max(5, 'allows at most five variants'),
    metrics: z.array(metricSchema).min(1, 'needs at least one metric').max(20, 'allows at most 20 metrics'),
    method: oneOf(abMethodEnum.enumValues).default('frequentist'),
    alpha: z.number({ error: 'must be a number' }).gt(0, 'must be in (0, 0.5)').lt(0.5, 'must be in (0, 0.5)').default(0.05),
    power: z.number({ error: 'must be a number' }).gt(0, 'must be in (0, 1)').lt(1, 'must be in (0, 1)').default(0.8),
    minimumDetectableEffect: z.number({ error: 'must be a number' }).gt(0, 'must be positive (relative, e.g. 0.05)').max(100).default(0.05),
    minSamplePerVariant: z.number({ error: 'must be a number' }).int('must be an integer').min(0).max(1e9).default(1000),
    sequentialTuning: z.number({ error: 'must be a number' }).gt(0, 'must be positive').max(1e12).default(5000),
    correction: oneOf(abCorrectionEnum.enumValues).default('holm'),
    prior: z
      .object({ mean: z.number().min(-100).max(100), stdDev: z.number().gt(0, 'must be positive').max(100) })
      .nullable()
      .optional()
      .describe('Gaussian prior on the relative lift for the Bayesian read-out, e.g. {mean: 0, stdDev: 0.3}; absent = flat'),
  })
  .superRefine((input, ctx) => {
    const total = input.variants.reduce((s, v) => s + v.weight, 0);
    if (Math.abs(total - 1) > WEIGHT_TOLERANCE) ctx.addIssue({ code: 'custom', path: ['variants'], message: `weights must sum to 1 (they sum to ${total})` });
    const keys = new Map<string, number>();
    input.variants.forEach((v, i) => {
      if (keys.has(v.key)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'key'], message: `duplicates the key of variant ${keys.get(v.key)} ("${v.key}")` });
      else keys.set(v.key, i);
    });
    const names = new Map<string, number>();
    input.metrics.forEach((m, i) => {
      if (names.has(m.name)) ctx.addIssue({ code: 'custom', path: ['metrics', i, 'name'], message: `duplicates the name of metric ${names.get(m.name)} ("${m.name}")` });
      else names.set(m.name, i);
      if (m.kind === 'ratio' && !m.denominator) ctx.addIssue({ code: 'custom', path: ['metrics', i, 'denominator'], message: 'is required for a ratio metric (the event metric to divide by)' });
      if (m.kind !== 'ratio' && m.denominator) ctx.addIssue({ code: 'custom', path: ['metrics', i, 'denominator'], message: 'only ratio metrics have a denominator' });
      if (m.denominator && m.denominator === m.name) ctx.addIssue({ code: 'custom', path: ['metrics', i, 'denominator'], message: 'must name another event metric than the ratio itself' });
      const denominatorOf = m.denominator ? input.metrics.find((x) => x.name === m.denominator) : undefined;
      if (denominatorOf?.kind === 'ratio') ctx.addIssue({ code: 'custom', path: ['metrics', i, 'denominator'], message: 'cannot be another ratio metric' });
    });
    if (!input.metrics.some((m) => m.role === 'primary')) ctx.addIssue({ code: 'custom', path: ['metrics'], message: 'needs at least one primary metric' });
  });
export type CreateTestInput = z.infer<typeof createTestSchema>;

export const listTestsSchema = z.object({
  status: oneOf(abTestStatusEnum.enumValues).optional(),
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListTestsInput = z.infer<typeof listTestsSchema>;

export const unitId = z.string().min(1, 'is required').max(256, 'must be at most 256 characters');

export const assignQuerySchema = z.object({ unit: unitId.describe('The unit of randomisation, e.g. a user id') });

const TIMESTAMP_FORMAT = 'must be an ISO 8601 date-time or epoch milliseconds';

const eventSchema = z.object({
  unit: unitId,
  variant: variantKey.optional().describe("Must equal the unit's assignment when given"),
  metric: abMetricName,
  value: z.number({ error: 'must be a finite number' }).refine(Number.isFinite, 'must be a finite number'),
  timestamp: z
    .union([z.iso.datetime({ offset: true, error: TIMESTAMP_FORMAT }), z.number().int().nonnegative()], { error: TIMESTAMP_FORMAT })
    .optional()
    .describe('When the event happened: within the test’s run (5 minutes of clock skew allowed either way), or the batch is refused'),
});
export type AbEvent = z.infer<typeof eventSchema>;

export const ingestSchema = z.object({
  events: z.array(eventSchema).min(1, 'needs at least one event').max(MAX_EVENTS_PER_REQUEST, `allows at most ${MAX_EVENTS_PER_REQUEST} events a request`),
  idempotencyKey: z.string().min(1).max(200, 'must be at most 200 characters').optional().describe('A retry with the same key is acknowledged without being counted again'),
});
export type IngestInput = z.infer<typeof ingestSchema>;

export const liftHistorySchema = z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(1000) });

export const stopTestSchema = z.object({ reason: z.string().trim().max(1000, 'must be at most 1000 characters').optional() });

export const shipTestSchema = z.object({
  reason: z.string().trim().max(1000, 'must be at most 1000 characters').optional().describe('Why the variant ships; defaults to the recommendation’s reason'),
});

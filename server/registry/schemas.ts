import semver from 'semver';
import { z } from 'zod';
import { versionStatusEnum } from '@/db/schema/registry';

export const dns1123Label = z
  .string()
  .min(1, 'is required')
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase DNS-1123 label: a-z, 0-9 and "-", starting and ending with a letter or digit');

/** A semantic version in canonical form (no leading "v", no spaces). */
export const semverString = z
  .string()
  .trim()
  .max(128, 'must be at most 128 characters')
  .refine((v) => semver.valid(v) === v, { message: 'must be a valid semantic version such as 1.2.0 or 1.3.0-rc.1' });

export const metricName = z.string().regex(/^[A-Za-z0-9_.\-/]{1,64}$/, 'metric names are 1–64 characters of letters, digits, _ . - /');
export const metricDirection = z.enum(['higher', 'lower'], { error: 'must be "higher" or "lower"' });

const metricsSchema = z.record(metricName, z.number({ error: 'must be a number' }).refine(Number.isFinite, 'must be a finite number'));
const configSchema = z.record(z.string(), z.unknown(), { error: 'must be a JSON object' });

export const modelRef = z.string().trim().min(1, 'is required').max(100).describe('Model family id (uuid) or slug');

/** Slugs that would collide with fixed routes (/models/compare, /api/v1/models/compare). */
const reservedSlugs = new Set(['compare', 'new']);

export const createFamilySchema = z.object({
  slug: dns1123Label.refine((s) => !reservedSlugs.has(s), { message: 'is reserved; choose another slug' }),
  displayName: z.string().trim().min(1, 'is required').max(120, 'must be at most 120 characters'),
  baseModel: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters').regex(/^[\w.\-/:]+$/, 'must look like org/model-name'),
  specialization: z.string().trim().min(1, 'is required').max(64).regex(/^[a-z0-9_]+$/, 'must be lowercase letters, digits and underscores (e.g. sales_assistant)'),
  description: z.string().max(4000, 'must be at most 4000 characters').optional(),
});
export type CreateFamilyInput = z.infer<typeof createFamilySchema>;

/** Fields a new version may set or override (everything except how its number is chosen). */
export const versionOverridesSchema = z.object({
  baseModel: createFamilySchema.shape.baseModel.optional(),
  artifactUri: z.string().trim().min(1).max(2048, 'must be at most 2048 characters').regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/, 'must be a URI such as s3://bucket/path or file:///path').optional(),
  artifactSha256: z.string().regex(/^[a-f0-9]{64}$/, 'must be 64 lowercase hex characters').optional(),
  trainingJobId: z.string().max(100).optional(),
  lineage: z.object({ datasetUri: z.string().max(2048).optional(), datasetSha256: z.string().regex(/^[a-f0-9]{64}$/).optional(), pipelineId: z.string().max(100).optional() }).optional(),
  config: configSchema.optional(),
  metrics: metricsSchema.optional(),
  metricDirections: z.record(metricName, metricDirection).optional(),
  tags: z.array(z.string().trim().min(1).max(40, 'tags are at most 40 characters')).max(20, 'at most 20 tags').optional(),
  notes: z.string().max(10_000, 'must be at most 10000 characters').optional(),
});
export type VersionOverrides = z.infer<typeof versionOverridesSchema>;

export const createVersionSchema = versionOverridesSchema.extend({
  version: semverString,
  parent: semverString.optional().describe('Version to inherit base model, config and metrics from'),
});
export type CreateVersionInput = z.infer<typeof createVersionSchema>;

export const bumpLevels = ['major', 'minor', 'patch', 'prerelease'] as const;
export const bumpVersionSchema = versionOverridesSchema.extend({
  level: z.enum(bumpLevels, { error: `must be one of ${bumpLevels.join(', ')}` }),
  from: semverString.optional().describe("Version to bump from (default: the family's latest)"),
  preid: z.string().regex(/^[0-9A-Za-z-]{1,20}$/, 'must be a prerelease identifier such as rc or beta').optional().describe('Prerelease identifier, e.g. "rc"'),
});
export type BumpVersionInput = z.infer<typeof bumpVersionSchema>;

export const promoteSchema = z.object({
  stage: z.enum(['staging', 'production'], { error: 'must be "staging" or "production"' }),
  reason: z.string().trim().max(1000).optional(),
});
export type PromoteInput = z.infer<typeof promoteSchema>;

export const archiveSchema = z.object({ reason: z.string().trim().max(1000).optional() });

export const rollbackRequestSchema = z.object({
  toVersion: semverString,
  reason: z.string().trim().min(3, 'must explain the rollback (at least 3 characters)').max(1000, 'must be at most 1000 characters'),
});
export type RollbackRequestInput = z.infer<typeof rollbackRequestSchema>;

export const decisionSchema = z.object({ reason: z.string().trim().max(1000).optional() });

export const compareSchema = z.object({
  a: z.object({ model: modelRef, version: semverString }),
  b: z.object({ model: modelRef, version: semverString }),
});
export type CompareInput = z.infer<typeof compareSchema>;

export const listFamiliesSchema = z.object({
  q: z.string().trim().max(100).optional().describe('Search in slug, display name, base model and specialization'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const listVersionsSchema = z.object({
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  cursor: z.string().max(200).optional().describe('nextCursor from the previous page'),
  status: z.enum(versionStatusEnum.enumValues).optional(),
});
export type ListVersionsInput = z.infer<typeof listVersionsSchema>;

export const listHistorySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export const listApprovalsSchema = z.object({
  status: z.enum(['pending', 'approved', 'rejected', 'expired']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

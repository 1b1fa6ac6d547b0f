import { z } from 'zod';
import { approvalStatusEnum, historyKindEnum, versionStatusEnum } from '@/db/schema/registry';

/** Response shapes for the OpenAPI document; they mirror the service return types (views.ts). */
const isoDate = z.iso.datetime({ offset: true });
const direction = z.enum(['higher', 'lower']);

export const familyResponse = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    displayName: z.string(),
    baseModel: z.string(),
    specialization: z.string(),
    description: z.string(),
    owner: z.string(),
    createdAt: isoDate,
    updatedAt: isoDate,
    versionCount: z.number().int(),
    latestVersion: z.string().nullable(),
    production: z.string().nullable(),
    staging: z.string().nullable(),
  })
  .meta({ id: 'ModelFamily' });

export const versionResponse = z
  .object({
    id: z.uuid(),
    familyId: z.uuid(),
    version: z.string(),
    status: z.enum(versionStatusEnum.enumValues),
    parentId: z.uuid().nullable(),
    parentVersion: z.string().nullable(),
    baseModel: z.string(),
    artifactUri: z.string().nullable(),
    artifactSha256: z.string().nullable(),
    trainingJobId: z.string().nullable(),
    lineage: z.object({ datasetUri: z.string().optional(), datasetSha256: z.string().optional(), pipelineId: z.string().optional() }),
    config: z.record(z.string(), z.unknown()),
    metrics: z.record(z.string(), z.number()),
    metricDirections: z.record(z.string(), direction),
    tags: z.array(z.string()),
    notes: z.string(),
    createdBy: z.string(),
    createdAt: isoDate,
  })
  .meta({ id: 'ModelVersion' });

export const familyDetailResponse = familyResponse
  .extend({ aliases: z.object({ production: versionResponse.nullable(), staging: versionResponse.nullable() }) })
  .meta({ id: 'ModelFamilyDetail' });

export const versionPageResponse = z.object({ items: z.array(versionResponse), nextCursor: z.string().nullable() });
export const familyPageResponse = z.object({ items: z.array(familyResponse), total: z.number().int() });

export const historyResponse = z.array(
  z
    .object({
      id: z.number().int(),
      kind: z.enum(historyKindEnum.enumValues),
      version: z.string().nullable(),
      previousVersion: z.string().nullable(),
      stage: z.enum(versionStatusEnum.enumValues).nullable(),
      actor: z.string(),
      reason: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
      at: isoDate,
    })
    .meta({ id: 'HistoryEvent' }),
);

export const approvalResponse = z
  .object({
    id: z.uuid(),
    kind: z.literal('rollback'),
    status: z.enum(approvalStatusEnum.enumValues),
    familyId: z.uuid(),
    model: z.string(),
    modelName: z.string(),
    fromVersion: z.string().nullable(),
    toVersion: z.string(),
    reason: z.string(),
    requestedById: z.string(),
    requestedBy: z.string(),
    decidedBy: z.string().nullable(),
    decisionReason: z.string().nullable(),
    createdAt: isoDate,
    decidedAt: isoDate.nullable(),
  })
  .meta({ id: 'Approval' });

const sideResponse = z.object({
  model: z.object({ id: z.uuid(), slug: z.string(), displayName: z.string() }),
  id: z.uuid(),
  version: z.string(),
  status: z.enum(versionStatusEnum.enumValues),
  baseModel: z.string(),
  createdAt: isoDate,
  createdBy: z.string(),
  lineage: z.object({
    parents: z.array(z.object({ id: z.uuid(), version: z.string(), status: z.string() })),
    baseModel: z.string(),
    dataset: z.string().nullable(),
    trainingJobId: z.string().nullable(),
    pipelineId: z.string().nullable(),
  }),
});

export const compareResponse = z
  .object({
    a: sideResponse,
    b: sideResponse,
    metrics: z.array(
      z.object({
        name: z.string(),
        a: z.number().nullable(),
        b: z.number().nullable(),
        direction,
        absoluteChange: z.number().nullable(),
        relativeChange: z.number().nullable(),
        better: z.enum(['a', 'b', 'equal']).nullable(),
      }),
    ),
    configDiff: z.object({
      added: z.array(z.object({ path: z.string(), value: z.unknown() })),
      removed: z.array(z.object({ path: z.string(), value: z.unknown() })),
      changed: z.array(z.object({ path: z.string(), from: z.unknown(), to: z.unknown() })),
    }),
    compatibility: z.object({ verdict: z.enum(['compatible', 'breaking', 'incompatible']), reasons: z.array(z.string()) }),
  })
  .meta({ id: 'VersionComparison' });

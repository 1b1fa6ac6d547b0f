import { z } from 'zod';
import { deploymentActionKindEnum, deploymentEnvironmentEnum, deploymentStatusEnum, healthStatusEnum } from '@/db/schema/deployments';
import { approvalStatusEnum } from '@/db/schema/registry';

/** Response shapes for the OpenAPI document; they mirror the service return types (status.ts). */
const isoDate = z.iso.datetime({ offset: true });

const rollout = z.object({
  desired: z.number().int(),
  current: z.number().int(),
  updated: z.number().int(),
  ready: z.number().int(),
  available: z.number().int(),
  inProgress: z.boolean(),
  progress: z.number(),
  rollingOut: z.string().nullable(),
  serving: z.string().nullable(),
  versions: z.array(z.object({ version: z.string(), revision: z.number().int(), replicas: z.number().int(), ready: z.number().int() })),
  restarts: z.number().int(),
  crashLooping: z.number().int(),
  conditions: z.array(z.object({ type: z.string(), status: z.string(), reason: z.string().nullable(), message: z.string().nullable() })),
});

export const deployResponse = z
  .object({
    id: z.uuid(),
    model: z.string(),
    familyId: z.uuid(),
    environment: z.enum(deploymentEnvironmentEnum.enumValues),
    status: z.enum(deploymentStatusEnum.enumValues),
    name: z.string(),
    namespace: z.string(),
    version: z.string(),
    previousVersion: z.string().nullable(),
    replicas: z.number().int(),
    spec: z.record(z.string(), z.unknown()),
    health: z.object({ status: z.enum(healthStatusEnum.enumValues), reason: z.string(), consecutiveFailures: z.number().int(), lastCheckedAt: isoDate.nullable() }),
    recovery: z.object({ restartAfterFailures: z.number().int(), rollbackWindowMinutes: z.number().int(), rolloutStartedAt: isoDate }),
    cluster: z
      .object({
        found: z.boolean(),
        rollout,
        endpoint: z.object({ service: z.string().nullable(), ready: z.array(z.string()) }),
        events: z.array(z.object({ type: z.string(), reason: z.string(), message: z.string(), count: z.number(), firstSeen: z.string().nullable(), lastSeen: z.string().nullable(), source: z.string().nullable() })),
        pods: z.array(z.object({ name: z.string(), version: z.string(), phase: z.string(), ready: z.boolean(), restarts: z.number().int(), reason: z.string().nullable() })),
      })
      .nullable(),
    actions: z.array(z.object({ id: z.number().int(), kind: z.enum(deploymentActionKindEnum.enumValues), actorLabel: z.string(), automatic: z.boolean(), severity: z.string(), message: z.string(), at: isoDate })),
    alerts: z.array(z.object({ id: z.number().int(), message: z.string(), at: isoDate })),
    manifestsYaml: z.string(),
    alertThresholds: z.record(z.string(), z.union([z.number(), z.string()])).describe('The PrometheusRule thresholds in force'),
    createdBy: z.string(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Deployment' });

export const statusResponse = z.object({ model: z.string(), familyId: z.uuid(), environments: z.array(deployResponse) }).meta({ id: 'DeploymentStatus' });

export const undeployResponse = z.object({ id: z.uuid(), removed: z.literal(true), model: z.string(), environment: z.enum(deploymentEnvironmentEnum.enumValues) });

export const deploymentRequestResponse = z
  .object({
    id: z.uuid(),
    status: z.enum(approvalStatusEnum.enumValues),
    familyId: z.uuid(),
    model: z.string(),
    environment: z.enum(deploymentEnvironmentEnum.enumValues),
    version: z.string(),
    input: z.record(z.string(), z.unknown()).describe('The deploy body as validated, version pinned: what an approval deploys'),
    reason: z.string(),
    requestedById: z.string(),
    requestedBy: z.string(),
    decidedBy: z.string().nullable(),
    decisionReason: z.string().nullable(),
    deploymentId: z.uuid().nullable(),
    createdAt: isoDate,
    decidedAt: isoDate.nullable(),
  })
  .meta({ id: 'DeploymentRequest' });

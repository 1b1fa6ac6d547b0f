import { z } from 'zod';
import { deploymentEnvironmentEnum } from '@/db/schema/deployments';
import { approvalStatusEnum } from '@/db/schema/registry';
import { decisionSchema, modelRef, semverString } from '@/server/registry/schemas';
import { DEFAULT_RESTART_AFTER_FAILURES, DEFAULT_ROLLBACK_WINDOW_MINUTES, deploymentConfig } from './config';

const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: `must be one of ${values.join(', ')}` });

export const environmentSchema = oneOf(deploymentEnvironmentEnum.enumValues);

/** Kubernetes quantities: "500m", "2", "16Gi", "1.5". */
const quantity = (what: string) =>
  z
    .string({ error: `must be a ${what} quantity such as ${what === 'CPU' ? '"2" or "500m"' : '"16Gi"'}` })
    .trim()
    .regex(/^([0-9]+(\.[0-9]+)?)(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$/, `must be a ${what} quantity such as ${what === 'CPU' ? '"2" or "500m"' : '"16Gi"'}`)
    .refine((v) => parseFloat(v) > 0, 'must be greater than 0');

const replicaCount = z
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(0, 'must be at least 0')
  .superRefine((v, ctx) => {
    const max = deploymentConfig().maxReplicas;
    if (v > max) ctx.addIssue({ code: 'custom', message: `must be at most ${max} (NEUROWEAVER_DEPLOY_MAX_REPLICAS)` });
  });

const alertsSchema = z
  .object({
    latencyP95Seconds: z.number().positive('must be > 0').optional(),
    errorRate: z.number().gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]').optional(),
    minQuality: z.number().gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]').optional(),
    gpuCacheUsage: z.number().gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]').optional(),
    cpuUtilization: z.number().gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]').optional(),
    memoryUtilization: z.number().gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]').optional(),
  })
  .describe('Alert thresholds of the PrometheusRule (defaults: p95 2 s, error rate 5%, quality 0.7, 95%/90%/90% of GPU cache/CPU/memory)');

/** The body of `POST /api/v1/deploy/{model_id}`. */
export const deploySchema = z
  .object({
    version: semverString.optional().describe("Defaults to the family's alias for the environment (its staging or production version)"),
    environment: environmentSchema,
    replicas: replicaCount.optional().describe('Default 1, or autoscaling.minReplicas'),
    resources: z
      .object({
        gpu: z.number({ error: 'must be a whole number of GPUs' }).int('must be a whole number of GPUs').min(0, 'must be at least 0').max(64, 'must be at most 64'),
        cpu: quantity('CPU'),
        memory: quantity('memory'),
      })
      .default({ gpu: 1, cpu: '4', memory: '16Gi' }),
    autoscaling: z
      .object({
        minReplicas: z.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1'),
        maxReplicas: replicaCount,
        targetCpuUtilization: z.number().int('must be a whole percentage').min(1).max(100).optional(),
        targetInflightRequests: z.number().positive('must be > 0').optional(),
      })
      .nullable()
      .optional()
      .describe('Horizontal autoscaling on CPU and/or in-flight requests per pod; without it `replicas` is fixed'),
    image: z.string().trim().min(1).max(300).regex(/^[^\s]+$/, 'must be an image reference without spaces').optional(),
    args: z.array(z.string().max(500)).max(50).optional().describe('Extra vLLM arguments'),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), z.string().max(4096))
      .optional()
      .describe('Extra container environment (no secrets: it is stored and shown)'),
    alerts: alertsSchema.optional(),
    recovery: z
      .object({
        restartAfterFailures: z.number().int().min(1, 'must be at least 1').max(100).default(DEFAULT_RESTART_AFTER_FAILURES),
        rollbackWindowMinutes: z.number().int().min(0, 'must be at least 0').max(24 * 60).default(DEFAULT_ROLLBACK_WINDOW_MINUTES),
      })
      .optional()
      .describe('K consecutive unhealthy checks before a restart (or, within M minutes of a version change, a rollback)'),
  })
  .superRefine((input, ctx) => {
    const a = input.autoscaling;
    if (!a) return;
    if (a.minReplicas > a.maxReplicas) ctx.addIssue({ code: 'custom', path: ['autoscaling', 'minReplicas'], message: `must not be greater than maxReplicas (${a.maxReplicas})` });
    if (a.targetCpuUtilization === undefined && a.targetInflightRequests === undefined) {
      ctx.addIssue({ code: 'custom', path: ['autoscaling'], message: 'needs targetCpuUtilization or targetInflightRequests' });
    }
    if (input.replicas !== undefined && (input.replicas < a.minReplicas || input.replicas > a.maxReplicas)) {
      ctx.addIssue({ code: 'custom', path: ['replicas'], message: `must be between autoscaling.minReplicas and maxReplicas (${a.minReplicas}–${a.maxReplicas})` });
    }
  });
export type DeployInput = z.infer<typeof deploySchema>;

export const scaleSchema = z.object({ environment: environmentSchema, replicas: replicaCount });
export type ScaleInput = z.infer<typeof scaleSchema>;

export const environmentQuery = z.object({ environment: environmentSchema });
export const optionalEnvironmentQuery = z.object({ environment: environmentSchema.optional() });

export const listDeploymentsSchema = z.object({
  environment: environmentSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const deploymentIdSchema = z.object({ id: z.uuid('must be a deployment id') });
export const healthSeriesSchema = deploymentIdSchema.extend({ minutes: z.number().int().min(1).max(24 * 60).default(30) });

export { decisionSchema, modelRef };

/** `POST /api/v1/deploy/{model_id}/requests`: a production deploy for an admin to approve. */
export const deploymentRequestSchema = deploySchema.and(
  z.object({ reason: z.string({ error: 'must say why this version should go to production' }).trim().min(3, 'must say why (at least 3 characters)').max(1000, 'must be at most 1000 characters') }),
);
export type DeploymentRequestInput = z.infer<typeof deploymentRequestSchema>;

export const listDeploymentRequestsSchema = z.object({
  status: z.enum(approvalStatusEnum.enumValues, { error: `must be one of ${approvalStatusEnum.enumValues.join(', ')}` }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListDeploymentRequestsInput = z.infer<typeof listDeploymentRequestsSchema>;

export const deploymentRequestIdSchema = z.object({ id: z.uuid('must be a deployment request id') });

import { z } from 'zod';
import { FAILURE_CAUSES } from '../sim/settings';

/*
 * What the Cluster page shows, as zod schemas: the REST routes answer with these (and the OpenAPI
 * document describes them); the types are inferred from them, never written twice.
 */

const iso = z.string().nullable().describe('RFC 3339 time, or null when the cluster has not set it');

export const clusterIdentitySchema = z.object({
  kind: z.enum(['real', 'simulated']),
  label: z.string().describe('"Simulated cluster", or the kubeconfig context ("in-cluster" inside a cluster)'),
  server: z.string().describe('API server URL ("" when not known yet)'),
  namespace: z.string(),
});

export const clusterNodeSchema = z.object({
  name: z.string(),
  ready: z.boolean(),
  gpuProduct: z.string().nullable().describe('Label nvidia.com/gpu.product'),
  gpuCapacity: z.number().int(),
  gpuAllocatable: z.number().int(),
  gpuInUse: z.number().int().describe('nvidia.com/gpu limits of the non-terminated pods bound to the node'),
  cpu: z.string().nullable().describe('Allocatable CPU, as the cluster writes it ("32", "7800m")'),
  memory: z.string().nullable().describe('Allocatable memory, as the cluster writes it ("256Gi")'),
});

export const jobStatusSchema = z.enum(['Pending', 'Running', 'Succeeded', 'Failed']);

export const failureSchema = z.object({
  code: z.string().describe('Stable code, e.g. oom_killed, waiting_for_gpu, exit_code'),
  message: z.string().describe('What went wrong, in plain words'),
});

export const clusterJobSchema = z.object({
  name: z.string(),
  pipeline: z.string().nullable(),
  stage: z.string().nullable(),
  status: jobStatusSchema,
  gpus: z.number().int().describe('nvidia.com/gpu limit of one pod'),
  failure: failureSchema.nullable(),
  createdAt: iso,
  startTime: iso,
  completionTime: iso,
});

export const clusterPodSchema = z.object({
  name: z.string(),
  phase: z.string(),
  node: z.string().nullable(),
  reason: z.string().nullable().describe('Waiting or terminated reason of a container, or Unschedulable'),
  failure: failureSchema.nullable(),
  gpus: z.number().int(),
  restarts: z.number().int(),
  createdAt: iso,
});

export const clusterEventSchema = z.object({
  type: z.string().describe('Normal or Warning'),
  reason: z.string(),
  message: z.string(),
  objectKind: z.string().nullable(),
  objectName: z.string().nullable(),
  count: z.number().int(),
  lastTimestamp: iso,
});

export const clusterOverviewSchema = z.object({
  identity: clusterIdentitySchema,
  /** Null when the cluster answered; otherwise why it could not be read (the lists are then empty). */
  unreachable: z.string().nullable().describe('Why the cluster could not be read; null when it answered'),
  nodes: z.array(clusterNodeSchema),
  totals: z.object({
    gpus: z.number().int().describe('Allocatable nvidia.com/gpu over all nodes'),
    gpusInUse: z.number().int(),
    pendingForGpu: z.number().int().describe('Pods in the namespace that cannot be scheduled for lack of GPUs'),
  }),
  jobs: z.array(clusterJobSchema),
  pods: z.array(clusterPodSchema),
  events: z.array(clusterEventSchema).describe('The 50 most recent events in the namespace, newest first'),
  at: z.string().describe('When this picture was taken'),
});

export type ClusterOverview = z.infer<typeof clusterOverviewSchema>;
export type ClusterNodeSummary = z.infer<typeof clusterNodeSchema>;
export type ClusterJobSummary = z.infer<typeof clusterJobSchema>;
export type ClusterPodSummary = z.infer<typeof clusterPodSchema>;
export type ClusterEventRow = z.infer<typeof clusterEventSchema>;

/** The simulator's fault-injection settings (server/cluster/sim/settings.ts), as its API answers them. */
export const simulatorSettingsSchema = z.object({
  jobFailure: z.enum(['none', ...FAILURE_CAUSES]).describe('Every training Job pod fails with this cause; none lets them succeed'),
  jobFailureExitCode: z.number().int().min(1).max(255).describe('Exit code for the Error cause'),
  crashDeployments: z.array(z.string()).describe('Deployments whose pods crash-loop, by name; "*" for all'),
  gpusPerNode: z.number().int().min(0).max(64).describe('nvidia.com/gpu capacity of every simulated node'),
  modelErrorRate: z.number().min(0).max(1).nullable().describe("Overrides every model server's error rate (0..1); null keeps each server's own"),
});
export type SimulatorSettingsView = z.infer<typeof simulatorSettingsSchema>;

/** A change to the settings: any subset of the fields, at least one, nothing unknown. */
export const simulatorSettingsPatchSchema = simulatorSettingsSchema
  .extend({
    crashDeployments: z
      .array(z.string().trim().regex(/^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$/, 'must be a Deployment name or "*"').max(253))
      .max(100)
      .describe('Deployments whose pods crash-loop, by name; "*" for all'),
  })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'name at least one setting to change' });
export type SimulatorSettingsPatch = z.infer<typeof simulatorSettingsPatchSchema>;

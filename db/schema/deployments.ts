import { sql } from 'drizzle-orm';
import { bigserial, boolean, doublePrecision, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { approvalStatusEnum, modelFamilies, modelVersions } from './registry';

/**
 * Deployments of model versions to the cluster: one row per family and environment while deployed
 * (kept as `removed` afterwards, so its actions stay readable), the health monitor's time series
 * (bounded retention) and every action taken on it (by people or by automatic recovery).
 */

export const deploymentEnvironmentEnum = pgEnum('deployment_environment', ['staging', 'production']);
export type DeploymentEnvironment = (typeof deploymentEnvironmentEnum.enumValues)[number];

export const deploymentStatusEnum = pgEnum('deployment_status', ['active', 'undeploying', 'removed']);
export type DeploymentStatus = (typeof deploymentStatusEnum.enumValues)[number];

export const healthStatusEnum = pgEnum('health_status', ['unknown', 'healthy', 'degraded', 'unhealthy']);
export type HealthStatus = (typeof healthStatusEnum.enumValues)[number];

export const deploymentActionKindEnum = pgEnum('deployment_action_kind', [
  'deployed',
  'updated',
  'scaled',
  'restarted',
  'rolled_back',
  'redeployed',
  'undeploying',
  'undeployed',
]);
export type DeploymentActionKind = (typeof deploymentActionKindEnum.enumValues)[number];

/** What a deployment runs: the deploy request as resolved (version fixed), re-applied on every change. */
export interface DeploymentSpec {
  version: string;
  versionId: string;
  /** What vLLM loads (`--model`): the version's artifact or `/models/<slug>/<version>`. */
  modelPath: string;
  replicas: number;
  resources: { gpu: number; cpu: string; memory: string };
  autoscaling: { minReplicas: number; maxReplicas: number; targetCpuUtilization?: number; targetInflightRequests?: number } | null;
  image: string | null;
  args: string[];
  env: Record<string, string>;
  alerts: Record<string, number | string>;
  /** Pod template annotation `kubectl.kubernetes.io/restartedAt` of the last rollout restart. */
  restartedAt: string | null;
}

export const deployments = pgTable(
  'deployments',
  {
    id: uuid().primaryKey().defaultRandom(),
    familyId: uuid()
      .notNull()
      .references(() => modelFamilies.id),
    /** Denormalised for the list and the object names. */
    familySlug: text().notNull(),
    environment: deploymentEnvironmentEnum().notNull(),
    status: deploymentStatusEnum().notNull().default('active'),
    /** Kubernetes object name and namespace of every object of this deployment. */
    name: text().notNull(),
    namespace: text().notNull(),
    versionId: uuid()
      .notNull()
      .references(() => modelVersions.id),
    version: text().notNull(),
    spec: jsonb().$type<DeploymentSpec>().notNull(),
    /** The spec served before the latest version change: what an automatic rollback goes back to. */
    previousSpec: jsonb().$type<DeploymentSpec | null>(),
    /** When the current version started rolling out (automatic rollback applies within M minutes of it). */
    rolloutStartedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** K: consecutive unhealthy checks before a rollout restart (or, in the rollback window, a rollback). */
    restartAfterFailures: integer().notNull().default(3),
    /** M: minutes after a version change during which an unhealthy version is rolled back. */
    rollbackWindowMinutes: integer().notNull().default(10),
    health: healthStatusEnum().notNull().default('unknown'),
    healthReason: text().notNull().default('not checked yet'),
    consecutiveFailures: integer().notNull().default(0),
    lastCheckedAt: timestamp({ withTimezone: true }),
    createdById: text(),
    createdByLabel: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // At most one live deployment per family and environment.
    uniqueIndex('deployments_family_env_live_key').on(t.familyId, t.environment).where(sql`${t.status} <> 'removed'`),
    index('deployments_status_idx').on(t.status),
  ],
);

export const deploymentHealthChecks = pgTable(
  'deployment_health_checks',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    deploymentId: uuid()
      .notNull()
      .references(() => deployments.id, { onDelete: 'cascade' }),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    status: healthStatusEnum().notNull(),
    reason: text().notNull(),
    version: text().notNull(),
    desiredReplicas: integer().notNull(),
    readyReplicas: integer().notNull(),
    restarts: integer().notNull(),
    /** /health through the Service: ms, null when it failed or was not tried. */
    healthMs: doublePrecision(),
    /** One small chat completion through the Service: ms, null when it failed or was not tried. */
    chatMs: doublePrecision(),
    /** From the model servers' /metrics since the previous check. */
    latencyP50Ms: doublePrecision(),
    latencyP95Ms: doublePrecision(),
    errorRate: doublePrecision(),
    tokensPerSecond: doublePrecision(),
  },
  (t) => [index('deployment_health_checks_deployment_at_idx').on(t.deploymentId, t.at), index('deployment_health_checks_at_idx').on(t.at)],
);

export const deploymentActions = pgTable(
  'deployment_actions',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    deploymentId: uuid()
      .notNull()
      .references(() => deployments.id, { onDelete: 'cascade' }),
    kind: deploymentActionKindEnum().notNull(),
    /** Automatic recovery and registry-driven redeploys are `system`. */
    actorLabel: text().notNull(),
    automatic: boolean().notNull().default(false),
    /** `alert` actions are shown as alerts on the deployment page until a later successful deploy. */
    severity: text().$type<'info' | 'warning' | 'alert'>().notNull().default('info'),
    message: text().notNull(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('deployment_actions_deployment_idx').on(t.deploymentId, t.id)],
);

/**
 * A production deploy asked for by someone who may not deploy to production (an ML engineer): the
 * request as validated, with its version pinned, until an admin other than the requester approves it
 * (which deploys it) or rejects it. At most one pending request per family and environment.
 */
export const deploymentRequests = pgTable(
  'deployment_requests',
  {
    id: uuid().primaryKey().defaultRandom(),
    familyId: uuid()
      .notNull()
      .references(() => modelFamilies.id),
    familySlug: text().notNull(),
    environment: deploymentEnvironmentEnum().notNull(),
    version: text().notNull(),
    /** The deploy body as validated, `version` pinned: what the approval deploys. */
    input: jsonb().$type<Record<string, unknown>>().notNull(),
    reason: text().notNull(),
    status: approvalStatusEnum().notNull().default('pending'),
    requestedById: text().notNull(),
    requestedByLabel: text().notNull(),
    decidedById: text(),
    decidedByLabel: text(),
    decisionReason: text(),
    /** The deployment the approval created or updated. */
    deploymentId: uuid().references(() => deployments.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex('deployment_requests_pending_key').on(t.familyId, t.environment).where(sql`${t.status} = 'pending'`),
    index('deployment_requests_status_idx').on(t.status, t.createdAt),
  ],
);

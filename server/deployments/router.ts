import { createTRPCRouter, scopedProcedure } from '@/server/api/trpc';
import { deployModel } from './deploy';
import { scaleDeployment } from './scale';
import { approveDeploymentRequest, listDeploymentRequests, rejectDeploymentRequest, requestProductionDeploy } from './requests';
import {
  decisionSchema,
  deploymentIdSchema,
  deploymentRequestIdSchema,
  deploymentRequestSchema,
  deploySchema,
  environmentSchema,
  healthSeriesSchema,
  listDeploymentRequestsSchema,
  listDeploymentsSchema,
  modelRef,
  scaleSchema,
} from './schemas';
import { describeDeployment, getDeployStatus, healthSeries, listDeployments } from './status';
import { undeployModel } from './undeploy';
import { z } from 'zod';

const model = z.object({ model: modelRef });

/** The deployments UI: list, one deployment live, its health series; deploy, scale, undeploy. */
export const deploymentsRouter = createTRPCRouter({
  list: scopedProcedure('deployments:read').input(listDeploymentsSchema).query(({ input }) => listDeployments(input)),
  /** One deployment with the cluster's view, actions, alerts and manifests. */
  get: scopedProcedure('deployments:read').input(deploymentIdSchema).query(({ input }) => describeDeployment(input.id)),
  /** A model's live deployments (the model page). */
  forModel: scopedProcedure('deployments:read').input(model).query(({ input }) => getDeployStatus(input.model)),
  /** Health checks of the last minutes, oldest first, for the charts. */
  health: scopedProcedure('deployments:read').input(healthSeriesSchema).query(({ input }) => healthSeries(input.id, input.minutes)),
  deploy: scopedProcedure('deployments:write').input(model.extend({ body: deploySchema })).mutation(({ ctx, input }) => deployModel(ctx.meta, input.model, input.body)),
  scale: scopedProcedure('deployments:write').input(model.extend(scaleSchema.shape)).mutation(({ ctx, input }) => scaleDeployment(ctx.meta, input.model, { environment: input.environment, replicas: input.replicas })),
  /** Production deploys for those who may not deploy to production: asked here, decided on /approvals. */
  requestProduction: scopedProcedure('deployments:write').input(model.extend({ body: deploymentRequestSchema })).mutation(({ ctx, input }) => requestProductionDeploy(ctx.meta, input.model, input.body)),
  listRequests: scopedProcedure('approvals:read').input(listDeploymentRequestsSchema).query(({ ctx, input }) => listDeploymentRequests(ctx.meta, input)),
  approveRequest: scopedProcedure('approvals:decide').input(deploymentRequestIdSchema.extend(decisionSchema.shape)).mutation(({ ctx, input }) => approveDeploymentRequest(ctx.meta, input.id, input.reason)),
  rejectRequest: scopedProcedure('approvals:decide').input(deploymentRequestIdSchema.extend(decisionSchema.shape)).mutation(({ ctx, input }) => rejectDeploymentRequest(ctx.meta, input.id, input.reason)),
  undeploy: scopedProcedure('deployments:write').input(model.extend({ environment: environmentSchema })).mutation(({ ctx, input }) => undeployModel(ctx.meta, input.model, input.environment)),
});

import { z } from 'zod';
import { defineRoute, type RestRoute } from '@/server/http/route';
import { deployModel } from './deploy';
import { scaleDeployment } from './scale';
import { approveDeploymentRequest, listDeploymentRequests, rejectDeploymentRequest, requestProductionDeploy } from './requests';
import { deploymentRequestResponse, deployResponse, statusResponse, undeployResponse } from './responses';
import { decisionSchema, deploymentRequestIdSchema, deploymentRequestSchema, deploySchema, environmentQuery, listDeploymentRequestsSchema, modelRef, optionalEnvironmentQuery, scaleSchema } from './schemas';
import { getDeployStatus } from './status';
import { undeployModel } from './undeploy';

const modelParams = z.object({ model_id: modelRef });
const tag = 'Deployments';

export const deploymentRoutes: RestRoute[] = [
  defineRoute({
    method: 'POST', path: '/deploy/{model_id}', tag, scope: 'deployments:write',
    summary: 'Deploy a version to staging or production (production: admins, or request an approval); another version where one runs is a rolling update', successStatus: 201,
    params: modelParams, body: deploySchema, response: deployResponse,
    handler: ({ params, body, meta }) => deployModel(meta, params.model_id, body),
  }),
  defineRoute({
    method: 'GET', path: '/deploy/{model_id}/status', tag, scope: 'deployments:read',
    summary: 'Replicas, rollout, versions served, endpoint, conditions, events and health per environment',
    params: modelParams, query: optionalEnvironmentQuery, response: statusResponse,
    handler: ({ params, query }) => getDeployStatus(params.model_id, query.environment),
  }),
  defineRoute({
    method: 'POST', path: '/deploy/{model_id}/scale', tag, scope: 'deployments:write', summary: 'Set the replica count of a deployment',
    params: modelParams, body: scaleSchema, response: deployResponse,
    handler: ({ params, body, meta }) => scaleDeployment(meta, params.model_id, body),
  }),
  defineRoute({
    method: 'DELETE', path: '/deploy/{model_id}', tag, scope: 'deployments:write', summary: 'Undeploy: remove every object the deployment created, and nothing else',
    params: modelParams, query: environmentQuery, response: undeployResponse,
    handler: ({ params, query, meta }) => undeployModel(meta, params.model_id, query.environment),
  }),
  defineRoute({
    method: 'POST', path: '/deploy/{model_id}/requests', tag, scope: 'deployments:write', successStatus: 201,
    summary: 'Ask for a production deploy (for those who may not deploy to production); an admin other than the requester approves it, which deploys it',
    params: modelParams, body: deploymentRequestSchema, response: deploymentRequestResponse,
    handler: ({ params, body, meta }) => requestProductionDeploy(meta, params.model_id, body),
  }),
  defineRoute({
    method: 'GET', path: '/deployment-requests', tag: 'Approvals', scope: 'approvals:read', summary: 'List production deploy requests',
    query: listDeploymentRequestsSchema, response: z.array(deploymentRequestResponse),
    handler: ({ query, meta }) => listDeploymentRequests(meta, query),
  }),
  defineRoute({
    method: 'POST', path: '/deployment-requests/{id}/approve', tag: 'Approvals', scope: 'approvals:decide', summary: 'Approve a production deploy request (admins other than the requester): deploys it',
    params: deploymentRequestIdSchema, body: decisionSchema, response: deploymentRequestResponse,
    handler: ({ params, body, meta }) => approveDeploymentRequest(meta, params.id, body.reason),
  }),
  defineRoute({
    method: 'POST', path: '/deployment-requests/{id}/reject', tag: 'Approvals', scope: 'approvals:decide', summary: 'Reject a pending production deploy request',
    params: deploymentRequestIdSchema, body: decisionSchema, response: deploymentRequestResponse,
    handler: ({ params, body, meta }) => rejectDeploymentRequest(meta, params.id, body.reason),
  }),
];

import { z } from 'zod';
import { defineRoute, type RestRoute } from '@/server/http/route';
import { approveApproval, getApproval, listApprovals, rejectApproval, requestRollback } from './approvals';
import { compareVersions } from './compare';
import { createFamily, getFamilyDetail, listFamilies } from './families';
import { listHistory } from './history';
import { archiveVersion, promoteVersion } from './promotion';
import { approvalResponse, compareResponse, familyDetailResponse, familyPageResponse, familyResponse, historyResponse, versionPageResponse, versionResponse } from './responses';
import {
  archiveSchema,
  bumpVersionSchema,
  compareSchema,
  createFamilySchema,
  createVersionSchema,
  decisionSchema,
  listApprovalsSchema,
  listFamiliesSchema,
  listHistorySchema,
  listVersionsSchema,
  modelRef,
  promoteSchema,
  rollbackRequestSchema,
  semverString,
} from './schemas';
import { bumpFamilyVersion, createVersion, getVersion, listVersions } from './versions';

const modelParams = z.object({ model_id: modelRef });
const versionParams = modelParams.extend({ version: semverString });
const approvalParams = z.object({ id: z.uuid('must be an approval id') });
const tag = 'Model registry';

export const registryRoutes: RestRoute[] = [
  defineRoute({
    method: 'GET', path: '/models', tag, scope: 'registry:read', summary: 'List model families (search with q)',
    query: listFamiliesSchema, response: familyPageResponse,
    handler: ({ query }) => listFamilies(query),
  }),
  defineRoute({
    method: 'POST', path: '/models', tag, scope: 'registry:write', summary: 'Create a model family', successStatus: 201,
    body: createFamilySchema, response: familyResponse,
    handler: ({ body, meta }) => createFamily(meta, body),
  }),
  defineRoute({
    method: 'POST', path: '/models/compare', tag, scope: 'registry:read', summary: 'Compare two versions: metrics, config diff, lineage, compatibility',
    body: compareSchema, response: compareResponse,
    handler: ({ body }) => compareVersions(body),
  }),
  defineRoute({
    method: 'GET', path: '/models/{model_id}', tag, scope: 'registry:read', summary: 'Get a model family (by id or slug) with its production and staging versions',
    params: modelParams, response: familyDetailResponse,
    handler: ({ params }) => getFamilyDetail(params.model_id),
  }),
  defineRoute({
    method: 'GET', path: '/models/{model_id}/versions', tag, scope: 'registry:read', summary: 'List versions, newest first by semver (keyset-paginated)',
    params: modelParams, query: listVersionsSchema, response: versionPageResponse,
    handler: ({ params, query }) => listVersions(params.model_id, query),
  }),
  defineRoute({
    method: 'POST', path: '/models/{model_id}/versions', tag, scope: 'registry:write', summary: 'Register a version (explicit semver, optionally inheriting from a parent)', successStatus: 201,
    params: modelParams, body: createVersionSchema, response: versionResponse,
    handler: ({ params, body, meta }) => createVersion(meta, params.model_id, body),
  }),
  defineRoute({
    method: 'POST', path: '/models/{model_id}/versions/bump', tag, scope: 'registry:write', summary: 'Create the next version by bumping the latest (or `from`) version', successStatus: 201,
    params: modelParams, body: bumpVersionSchema, response: versionResponse,
    handler: ({ params, body, meta }) => bumpFamilyVersion(meta, params.model_id, body),
  }),
  defineRoute({
    method: 'GET', path: '/models/{model_id}/versions/{version}', tag, scope: 'registry:read', summary: 'Get one version',
    params: versionParams, response: versionResponse,
    handler: ({ params }) => getVersion(params.model_id, params.version),
  }),
  defineRoute({
    method: 'POST', path: '/models/{model_id}/versions/{version}/promote', tag, scope: 'registry:write', summary: 'Promote to staging, or to production (admins only)',
    params: versionParams, body: promoteSchema, response: versionResponse,
    handler: ({ params, body, meta }) => promoteVersion(meta, params.model_id, params.version, body),
  }),
  defineRoute({
    method: 'POST', path: '/models/{model_id}/versions/{version}/archive', tag, scope: 'registry:write', summary: 'Archive a version that holds no alias',
    params: versionParams, body: archiveSchema, response: versionResponse,
    handler: ({ params, body, meta }) => archiveVersion(meta, params.model_id, params.version, body.reason),
  }),
  defineRoute({
    method: 'GET', path: '/models/{model_id}/history', tag, scope: 'registry:read', summary: 'Timeline of created, promoted, demoted, rolled back and archived events',
    params: modelParams, query: listHistorySchema, response: historyResponse,
    handler: ({ params, query }) => listHistory(params.model_id, query.limit),
  }),
  defineRoute({
    method: 'POST', path: '/models/{model_id}/rollback', tag, scope: 'registry:rollback-request', summary: 'Request a rollback of production to an earlier version (needs another admin’s approval)', successStatus: 201,
    params: modelParams, body: rollbackRequestSchema, response: approvalResponse,
    handler: ({ params, body, meta }) => requestRollback(meta, params.model_id, body),
  }),
  defineRoute({
    method: 'GET', path: '/approvals', tag: 'Approvals', scope: 'approvals:read', summary: 'List approval requests',
    query: listApprovalsSchema, response: z.array(approvalResponse),
    handler: ({ query }) => listApprovals(query),
  }),
  defineRoute({
    method: 'GET', path: '/approvals/{id}', tag: 'Approvals', scope: 'approvals:read', summary: 'Get one approval request',
    params: approvalParams, response: approvalResponse,
    handler: ({ params }) => getApproval(params.id),
  }),
  defineRoute({
    method: 'POST', path: '/approvals/{id}/approve', tag: 'Approvals', scope: 'approvals:decide', summary: 'Approve (admins other than the requester); moves the alias atomically',
    params: approvalParams, body: decisionSchema, response: approvalResponse,
    handler: ({ params, body, meta }) => approveApproval(meta, params.id, body.reason),
  }),
  defineRoute({
    method: 'POST', path: '/approvals/{id}/reject', tag: 'Approvals', scope: 'approvals:decide', summary: 'Reject a pending request',
    params: approvalParams, body: decisionSchema, response: approvalResponse,
    handler: ({ params, body, meta }) => rejectApproval(meta, params.id, body.reason),
  }),
];

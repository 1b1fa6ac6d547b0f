import { z } from 'zod';
import { createTRPCRouter, scopedProcedure } from '@/server/api/trpc';
import { approveApproval, getApproval, listApprovals, rejectApproval, requestRollback } from './approvals';
import { compareVersions } from './compare';
import { createFamily, getFamilyDetail, listFamilies } from './families';
import { listHistory } from './history';
import { archiveVersion, promoteVersion } from './promotion';
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

const model = z.object({ model: modelRef });
const modelVersion = model.extend({ version: semverString });
const approvalId = z.object({ id: z.uuid('must be an approval id') });

export const registryRouter = createTRPCRouter({
  listModels: scopedProcedure('registry:read').input(listFamiliesSchema).query(({ input }) => listFamilies(input)),
  getModel: scopedProcedure('registry:read').input(model).query(({ input }) => getFamilyDetail(input.model)),
  createModel: scopedProcedure('registry:write').input(createFamilySchema).mutation(({ ctx, input }) => createFamily(ctx.meta, input)),

  listVersions: scopedProcedure('registry:read').input(model.extend(listVersionsSchema.shape)).query(({ input: { model, ...page } }) => listVersions(model, page)),
  getVersion: scopedProcedure('registry:read').input(modelVersion).query(({ input }) => getVersion(input.model, input.version)),
  createVersion: scopedProcedure('registry:write')
    .input(model.extend({ data: createVersionSchema }))
    .mutation(({ ctx, input }) => createVersion(ctx.meta, input.model, input.data)),
  bumpVersion: scopedProcedure('registry:write')
    .input(model.extend({ data: bumpVersionSchema }))
    .mutation(({ ctx, input }) => bumpFamilyVersion(ctx.meta, input.model, input.data)),
  /** Staging needs registry:write; production is checked again in the service (admins only). */
  promote: scopedProcedure('registry:write')
    .input(modelVersion.extend(promoteSchema.shape))
    .mutation(({ ctx, input: { model, version, ...rest } }) => promoteVersion(ctx.meta, model, version, rest)),
  archive: scopedProcedure('registry:write')
    .input(modelVersion.extend(archiveSchema.shape))
    .mutation(({ ctx, input }) => archiveVersion(ctx.meta, input.model, input.version, input.reason)),

  compare: scopedProcedure('registry:read').input(compareSchema).query(({ input }) => compareVersions(input)),
  history: scopedProcedure('registry:read').input(model.extend(listHistorySchema.shape)).query(({ input }) => listHistory(input.model, input.limit)),

  requestRollback: scopedProcedure('registry:rollback-request')
    .input(model.extend(rollbackRequestSchema.shape))
    .mutation(({ ctx, input: { model, ...rest } }) => requestRollback(ctx.meta, model, rest)),
  listApprovals: scopedProcedure('approvals:read').input(listApprovalsSchema).query(({ input }) => listApprovals(input)),
  getApproval: scopedProcedure('approvals:read').input(approvalId).query(({ input }) => getApproval(input.id)),
  approve: scopedProcedure('approvals:decide').input(approvalId.extend(decisionSchema.shape)).mutation(({ ctx, input }) => approveApproval(ctx.meta, input.id, input.reason)),
  reject: scopedProcedure('approvals:decide').input(approvalId.extend(decisionSchema.shape)).mutation(({ ctx, input }) => rejectApproval(ctx.meta, input.id, input.reason)),
});

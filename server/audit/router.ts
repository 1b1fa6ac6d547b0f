import { createTRPCRouter, scopedProcedure } from '@/server/api/trpc';
import { auditQuerySchema } from './schemas';
import { listAuditEvents } from './service';

export const auditRouter = createTRPCRouter({
  list: scopedProcedure('audit:read').input(auditQuerySchema).query(({ input }) => listAuditEvents(input)),
});

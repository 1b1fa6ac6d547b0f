import { z } from 'zod';

export const auditQuerySchema = z.object({
  actor: z.string().trim().min(1).optional().describe('Actor id, or part of an email / key label'),
  action: z.string().trim().min(1).optional().describe('Action, or its prefix (e.g. "registry.")'),
  targetType: z.string().trim().min(1).optional(),
  target: z.string().trim().min(1).optional().describe('Target id, or part of its label'),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

import { z } from 'zod';
import { roles } from '@/db/schema/auth';

export const roleSchema = z.enum(roles, { error: `must be one of ${roles.join(', ')}` });

export const passwordSchema = z.string().min(10, 'must be at least 10 characters').max(200, 'must be at most 200 characters');

export const createUserSchema = z.object({
  email: z.email('must be an email address').transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1, 'is required').max(120).optional(),
  role: roleSchema,
  password: passwordSchema,
});
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const updateUserSchema = z.object({
  id: z.uuid('must be a user id'),
  role: roleSchema.optional(),
  disabled: z.boolean().optional(),
  password: passwordSchema.optional(),
});
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, 'is required').max(80, 'must be at most 80 characters'),
  role: roleSchema,
});
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export const idSchema = z.object({ id: z.uuid('must be an id') });

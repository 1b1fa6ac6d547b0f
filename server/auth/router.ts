import { createApiKey, listApiKeys, revokeApiKey } from '@/server/auth/api-keys';
import { createTRPCRouter, authedProcedure, scopedProcedure } from '@/server/api/trpc';
import { roleScopes } from './access';
import { createApiKeySchema, createUserSchema, idSchema, updateUserSchema } from './schemas';
import { createUser, listUsers, updateUser } from './users';

export const authRouter = createTRPCRouter({
  /** The signed-in user and the scopes their role holds (the UI hides what they cannot do). */
  me: authedProcedure.query(({ ctx }) => ({ ...ctx.actor, scopes: roleScopes[ctx.actor.role] })),
  listUsers: scopedProcedure('users:manage').query(() => listUsers()),
  createUser: scopedProcedure('users:manage').input(createUserSchema).mutation(({ ctx, input }) => createUser(ctx.meta, input)),
  updateUser: scopedProcedure('users:manage').input(updateUserSchema).mutation(({ ctx, input }) => updateUser(ctx.meta, input)),
  listApiKeys: scopedProcedure('apiKeys:manage').query(() => listApiKeys()),
  /** Returns the full key once; it is never retrievable again. */
  createApiKey: scopedProcedure('apiKeys:manage').input(createApiKeySchema).mutation(({ ctx, input }) => createApiKey(ctx.meta, input)),
  revokeApiKey: scopedProcedure('apiKeys:manage').input(idSchema).mutation(({ ctx, input }) => revokeApiKey(ctx.meta, input.id)),
});

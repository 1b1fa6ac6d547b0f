import { randomUUID } from 'node:crypto';
import { getServerSession } from 'next-auth';
import { authOptions } from '@/server/auth/next-auth';
import { authenticateRequest } from '@/server/auth/session';
import { actorForUser } from '@/server/auth/users';
import { createInnerTRPCContext } from './trpc';

/** Context for tRPC over HTTP: the session cookie (browser) or an API key resolves to the actor. */
export async function createTRPCContext(opts: { headers: Headers }) {
  const actor = await authenticateRequest(opts.headers);
  return createInnerTRPCContext({
    actor: actor === 'bad-credentials' ? null : actor,
    requestId: opts.headers.get('x-request-id') ?? randomUUID(),
  });
}

/** The signed-in actor for server components, or null. */
export async function currentActor() {
  const session = await getServerSession(authOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  return id ? actorForUser(id) : null;
}

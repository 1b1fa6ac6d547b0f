import { randomUUID } from 'node:crypto';
import type { Role } from '@/db/schema/auth';
import { createApiKey } from '@/server/auth/api-keys';
import { type Actor, type RequestMeta, systemActor } from '@/server/auth/actor';
import { createUser } from '@/server/auth/users';

export const systemMeta: RequestMeta = { actor: systemActor, requestId: 'test-setup' };

export const meta = (actor: Actor): RequestMeta => ({ actor, requestId: `test-${randomUUID()}` });

/** A real user row of the given role and the actor it signs in as. */
export async function testUser(role: Role): Promise<Actor> {
  const email = `${role}-${randomUUID().slice(0, 8)}@test.neuroweaver.dev`;
  const user = await createUser(systemMeta, { email, role, password: 'correct horse battery' });
  return { type: 'user', id: user.id, label: user.email, role: user.role };
}

/** A real API key of the given role; returns the bearer value. */
export async function testApiKey(role: Role, name = `test-${role}`): Promise<string> {
  const { key } = await createApiKey(systemMeta, { name, role });
  return key;
}

export const uniqueSlug = (base = 'model') => `${base}-${randomUUID().slice(0, 8)}`;

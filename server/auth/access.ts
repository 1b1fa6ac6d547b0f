import type { Role } from '@/db/schema/auth';
import { ForbiddenError } from '@/server/errors';
import type { Actor } from './actor';

export { roles, type Role } from '@/db/schema/auth';

/**
 * Access as data: every procedure, REST route and UI control names one scope; this table is the only
 * place that says which role holds it. Add a scope here before using it anywhere.
 */
export const scopes = [
  'registry:read',
  'registry:write',
  'registry:promote-production',
  'registry:rollback-request',
  'registry:promotion-request',
  'approvals:read',
  'approvals:decide',
  'audit:read',
  'users:manage',
  'apiKeys:manage',
  'system:read',
  'abTests:read',
  'abTests:manage',
  'abTests:ingest',
  'cluster:read',
  'cluster:manage',
  'deployments:read',
  'deployments:write',
  'deployments:production',
  'training:read',
  'training:manage',
] as const;
export type Scope = (typeof scopes)[number];

const readOnly: Scope[] = ['registry:read', 'system:read', 'abTests:read', 'cluster:read', 'deployments:read', 'training:read'];
/** Create, start and stop A/B tests; assign units and send events (everyone but viewers). */
const abTesting: Scope[] = ['abTests:manage', 'abTests:ingest'];
/** Ask an admin to promote a version to production (an A/B test's accepted `ship`). */
const promotionRequest: Scope[] = ['registry:promotion-request'];

export const roleScopes: Record<Role, readonly Scope[]> = {
  admin: scopes,
  // Staging deployments; production needs deployments:production (admins), like production promotion.
  ml_engineer: [...readOnly, 'registry:write', 'registry:rollback-request', 'approvals:read', ...abTesting, ...promotionRequest, 'deployments:write', 'training:manage'],
  product_manager: [...readOnly, 'approvals:read', ...abTesting, ...promotionRequest],
  viewer: readOnly,
};

export function hasAccess(role: Role | null | undefined, scope: Scope): boolean {
  return !!role && roleScopes[role].includes(scope);
}

/** Roles that hold a scope: used in error messages and the OpenAPI document. */
export function rolesWith(scope: Scope): Role[] {
  return (Object.keys(roleScopes) as Role[]).filter((r) => roleScopes[r].includes(scope));
}

/** `refusal`: the request field at fault and what the caller can do instead, for a refusal that has a way round. */
export function assertAccess(actor: Actor, scope: Scope, refusal?: { field?: string; instead?: string }): void {
  if (!hasAccess(actor.role, scope)) {
    const instead = refusal?.instead ? `; ${refusal.instead}` : '';
    throw new ForbiddenError(`Role "${actor.role}" may not do this (needs ${scope}: ${rolesWith(scope).join(', ')})${instead}`, refusal?.field);
  }
}

import { describe, expect, it } from 'vitest';
import { roles, type Role } from '@/db/schema/auth';
import { hasAccess } from '@/server/auth/access';
import { abRoutes } from './rest';

/*
 * Who may do what with A/B tests, as the product decided it: admins, ML engineers and product managers
 * create, start, stop (and ship) tests; any authenticated caller but a viewer assigns, sends events and
 * uses the router; everyone reads. The REST role × route matrix (test/authz-matrix.int.test.ts) checks that
 * every route enforces its scope over HTTP; this checks that the scopes give each role what it should.
 */
const managers: Role[] = ['admin', 'ml_engineer', 'product_manager'];
const allButViewers = roles.filter((r) => r !== 'viewer');
const policy: Record<string, readonly Role[]> = {
  'POST /ab-tests': managers,
  'POST /ab-tests/{test_id}/start': managers,
  'POST /ab-tests/{test_id}/stop': managers,
  'POST /ab-tests/{test_id}/ship': managers,
  'GET /ab-tests/{test_id}/assign': allButViewers,
  'POST /ab-tests/{test_id}/events': allButViewers,
  'POST /ab-tests/{test_id}/openai/chat/completions': allButViewers,
  'GET /ab-tests': roles,
  'GET /ab-tests/{test_id}': roles,
  'GET /ab-tests/{test_id}/results': roles,
};

describe('A/B test roles', () => {
  it('has a decided policy for every A/B route', () => {
    expect(abRoutes.map((r) => `${r.method} ${r.path}`).filter((k) => !(k in policy))).toEqual([]);
  });

  for (const route of abRoutes) {
    const key = `${route.method} ${route.path}`;
    it(`${key}: ${policy[key]?.join(', ')}`, () => {
      expect(route.scope).toBeDefined();
      expect(roles.filter((role) => hasAccess(role, route.scope!))).toEqual([...(policy[key] ?? [])].sort((a, b) => roles.indexOf(a) - roles.indexOf(b)));
    });
  }
});

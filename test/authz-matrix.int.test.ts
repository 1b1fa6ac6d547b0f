import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type Role } from '@/db/schema/auth';
import { appRouter, createCaller } from '@/server/api/root';
import { createInnerTRPCContext, type ProcedureMeta } from '@/server/api/trpc';
import { hasAccess } from '@/server/auth/access';
import type { Actor } from '@/server/auth/actor';
import { restRoutes } from '@/server/http/routes';
import { testApiKey, testUser } from './fixtures';
import { client, startRestServer } from './rest-client';

/**
 * Every REST route and every tRPC procedure against every role: a role without the route's scope gets
 * 403, one with it never does (it may still get 404/409/422 for the placeholder input), and no
 * credentials get 401. Routes added later are covered automatically.
 */
let server: Awaited<ReturnType<typeof startRestServer>>;
const keys = {} as Record<Role, string>;
const actors = {} as Record<Role, Actor>;

beforeAll(async () => {
  server = await startRestServer();
  for (const role of roles) {
    keys[role] = await testApiKey(role, `matrix ${role}`);
    actors[role] = await testUser(role);
  }
});
afterAll(() => server.close());

const placeholder = (path: string) =>
  path
    .replace('{model_id}', 'matrix-no-such-model')
    .replace('{version}', '1.0.0')
    .replace('{id}', '00000000-0000-4000-8000-000000000000')
    .replace(/\{\w+\}/g, 'placeholder');

describe('REST role × route matrix', () => {
  const scoped = restRoutes.filter((r) => r.scope);
  it('covers the routes', () => expect(scoped.length).toBeGreaterThan(10));

  for (const route of scoped) {
    it(`${route.method} ${route.path} (${route.scope})`, async () => {
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : { stage: 'staging' };
      const anon = await client(server.url)(route.method, placeholder(route.path), body);
      expect(anon.status).toBe(401);
      for (const role of roles) {
        const res = await client(server.url, keys[role])(route.method, placeholder(route.path), body);
        if (hasAccess(role, route.scope!)) expect([401, 403], `${role} should pass authorization`).not.toContain(res.status);
        else {
          expect(res.status, `${role} should be refused`).toBe(403);
          expect(res.body.error.message).toContain(route.scope);
        }
      }
    });
  }

  it('serves public routes without credentials', async () => {
    // Trainer events authenticate with a per-job token instead (server/training/rest.ts).
    for (const route of restRoutes.filter((r) => !r.scope && r.path !== '/trainer/events')) {
      expect((await client(server.url)(route.method, placeholder(route.path))).status).toBe(200);
    }
  });
});

describe('tRPC role × procedure matrix', () => {
  const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta; type: string } }>);

  it('declares a scope on every procedure except the caller’s own profile', () => {
    const unscoped = procedures.filter(([, p]) => !p._def.meta?.scope).map(([path]) => path);
    expect(unscoped).toEqual(['auth.me']);
  });

  for (const [path, procedure] of procedures) {
    const scope = procedure._def.meta?.scope;
    if (!scope) continue;
    it(`${path} (${scope})`, async () => {
      const call = (actor: Actor | null) => {
        // Paths may nest (`training.judge.results`): walk the caller one segment at a time.
        const caller = createCaller(createInnerTRPCContext({ actor })) as unknown as Record<string, unknown>;
        const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (input: unknown) => Promise<unknown>;
        return fn({});
      };
      await expect(call(null)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      for (const role of roles) {
        const outcome = await call(actors[role]).then(
          () => 'OK',
          (e: { code?: string }) => e.code,
        );
        if (hasAccess(role, scope)) expect(['UNAUTHORIZED', 'FORBIDDEN'], `${role} should pass`).not.toContain(outcome);
        else expect(outcome, `${role} should be refused`).toBe('FORBIDDEN');
      }
    });
  }
});

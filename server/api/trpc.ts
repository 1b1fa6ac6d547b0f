/**
 * tRPC setup. Read top to bottom:
 * 1. Context: who is calling (resolved once per request) and a request id for the audit log.
 * 2. Initialisation: transformer and the error shape the UI reads (field names for form errors).
 * 3. Procedures: public, authenticated, and scoped (`scopedProcedure('registry:write')`).
 */
import { randomUUID } from 'node:crypto';
import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import superjson from 'superjson';
import { z } from 'zod';
import { assertAccess, type Scope } from '@/server/auth/access';
import type { Actor, RequestMeta } from '@/server/auth/actor';
import { DomainError } from '@/server/errors';
import { logger } from '@/server/logger';

/* 1. CONTEXT */

export interface TRPCContext {
  actor: Actor | null;
  requestId: string;
}

/** Builds a context without HTTP: tests call routers directly with any actor. */
export function createInnerTRPCContext(opts: { actor: Actor | null; requestId?: string }): TRPCContext {
  return { actor: opts.actor, requestId: opts.requestId ?? randomUUID() };
}

/* 2. INITIALISATION */

const statusToCode: Record<DomainError['status'], TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'UNPROCESSABLE_CONTENT',
  429: 'TOO_MANY_REQUESTS',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
};

/** Procedure metadata: the scope a procedure requires, readable by the authorization matrix test. */
export interface ProcedureMeta {
  scope?: Scope;
}

const t = initTRPC.context<TRPCContext>().meta<ProcedureMeta>().create({
  transformer: superjson,
  /**
   * Subscriptions over server-sent events (live pages). A ping every 10 s keeps proxies from closing an idle
   * stream and lets the browser notice a dead one (it reconnects after 25 s of silence); a stream ends after
   * 10 minutes so the browser reconnects and its session or key is checked again.
   */
  sse: {
    ping: { enabled: true, intervalMs: 10_000 },
    client: { reconnectAfterInactivityMs: 25_000 },
    maxDurationMs: 10 * 60_000,
  },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    let field: string | undefined;
    let message = shape.message;
    if (cause instanceof z.ZodError) {
      const issue = cause.issues[0];
      field = issue.path.map(String).join('.') || undefined;
      message = field ? `${field}: ${issue.message}` : issue.message;
    } else if (cause instanceof DomainError) {
      field = cause.field;
    }
    return { ...shape, message, data: { ...shape.data, field: field ?? null, stack: undefined } };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/* 3. PROCEDURES */

/** Maps domain errors to tRPC codes; hides internal errors (logged with the request id). */
const withErrorHandling = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DomainError) {
      throw new TRPCError({ code: statusToCode[cause.status], message: cause.message, cause });
    }
    if (result.error.code === 'INTERNAL_SERVER_ERROR') {
      logger.error({ err: cause ?? result.error, path, requestId: ctx.requestId }, 'trpc internal error');
      throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `Internal error (request ${ctx.requestId})` });
    }
  }
  return result;
});

/** Anyone, signed in or not. */
export const publicProcedure = t.procedure.use(withErrorHandling);

/** Any signed-in user; `ctx.meta` carries actor and request id for audit events. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.actor) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' });
  const meta: RequestMeta = { actor: ctx.actor, requestId: ctx.requestId };
  return next({ ctx: { ...ctx, actor: ctx.actor, meta } });
});

/** A signed-in user whose role holds `scope` (server/auth/access.ts); others get FORBIDDEN. */
export const scopedProcedure = (scope: Scope) =>
  authedProcedure.meta({ scope }).use(({ ctx, next }) => {
    assertAccess(ctx.actor, scope);
    return next();
  });

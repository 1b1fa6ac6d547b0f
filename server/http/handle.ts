import { randomUUID } from 'node:crypto';
import { assertAccess } from '@/server/auth/access';
import { authenticateRequest } from '@/server/auth/session';
import { BadRequestError, DomainError, PayloadTooLargeError, UnauthorizedError } from '@/server/errors';
import { logger } from '@/server/logger';
import { errorToHttp, zodToValidationError } from './errors-to-http';
import type { RestRoute } from './route';
import type { RestRouter } from './router';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads at most `limit` bytes; a longer body is refused with 413 without buffering the rest. */
export async function readBodyLimited(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLargeError(`Request body is ${declared} bytes; the limit is ${limit} bytes (${describeBytes(limit)})`);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(`Request body exceeds the limit of ${limit} bytes (${describeBytes(limit)})`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const describeBytes = (n: number) => `${Math.round((n / 2 ** 20) * 10) / 10} MiB`;

async function parseJsonBody(request: Request, limit: number): Promise<unknown> {
  const text = await readBodyLimited(request, limit);
  if (text.trim() === '') return undefined;
  const type = request.headers.get('content-type') ?? '';
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) throw new BadRequestError(`Content-Type must be application/json (got ${type})`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`Malformed JSON body: ${(error as Error).message}`);
  }
}

function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

export function json(status: number, body: unknown, requestId: string, extra?: Record<string, string>): Response {
  if (status === 204) return new Response(null, { status, headers: { 'x-request-id': requestId, ...extra } });
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, 'cache-control': 'no-store', ...extra },
  });
}

async function run(route: RestRoute, rawParams: Record<string, string>, request: Request, requestId: string): Promise<Response> {
  const url = new URL(request.url);
  const params = route.params ? route.params.safeParse(rawParams) : { success: true as const, data: rawParams };
  if (!params.success) throw zodToValidationError(params.error);

  let actor = null;
  if (route.scope) {
    const resolved = await authenticateRequest(request.headers);
    if (resolved === 'bad-credentials') throw new UnauthorizedError('The API key is unknown, revoked or malformed');
    if (!resolved) throw new UnauthorizedError('Authentication required: send "Authorization: Bearer nw_…" or sign in');
    actor = resolved;
    assertAccess(actor, route.scope);
  }

  const query = route.query ? route.query.safeParse(queryObject(url)) : { success: true as const, data: undefined };
  if (!query.success) throw zodToValidationError(query.error);

  let body: unknown = undefined;
  if (route.body) {
    const raw = await parseJsonBody(request, route.maxBodyBytes ?? MAX_BODY_BYTES);
    const parsed = route.body.safeParse(raw ?? {});
    if (!parsed.success) {
      if (raw === undefined) throw new BadRequestError('Request body is required (JSON)');
      throw zodToValidationError(parsed.error);
    }
    body = parsed.data;
  }

  const meta = { actor: actor ?? { type: 'system' as const, id: null, label: 'anonymous', role: 'viewer' as const }, requestId };
  const result = await route.handler({ params: params.data, query: query.data, body, meta, request });
  if (result instanceof Response) return result;
  return json(route.successStatus ?? 200, result, requestId);
}

/**
 * Serves one REST request against the route table: request id, authentication, authorization, body limit,
 * validation, and the error envelope `{"error": {code, message, field}}`. Shared by the Next catch-all
 * route and the dedicated data-plane server so both behave identically.
 */
export async function handleRestRequest(router: RestRouter, request: Request, pathname: string): Promise<Response> {
  const requestId = request.headers.get('x-request-id')?.slice(0, 100) || randomUUID();
  const started = performance.now();
  let response: Response;
  try {
    const match = router.match(request.method, pathname);
    if (!match) throw new NotFound(`No route for ${request.method} /api/v1${pathname}`);
    if ('allowed' in match) {
      response = json(405, { error: { code: 'method_not_allowed', message: `${request.method} is not allowed here; use ${match.allowed.join(', ')}`, requestId } }, requestId, { allow: match.allowed.join(', ') });
    } else {
      response = await run(match.route, match.params, request, requestId);
    }
  } catch (error) {
    const { status, body } = errorToHttp(error, requestId);
    // After a refused upload the rest of the body may still be in flight: tell the client not to reuse the socket.
    response = json(status, body, requestId, status === 413 ? { connection: 'close' } : undefined);
  }
  logger.debug({ requestId, method: request.method, path: pathname, status: response.status, ms: Math.round(performance.now() - started) }, 'rest request');
  return response;
}

class NotFound extends DomainError {
  readonly status = 404;
  readonly code = 'not_found';
}

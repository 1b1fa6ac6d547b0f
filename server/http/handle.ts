import { randomUUID } from 'node:crypto';
import { assertAccess } from '@/server/auth/access';
import { authenticateRequest } from '@/server/auth/session';
import { BadRequestError, DomainError, PayloadTooLargeError, UnauthorizedError } from '@/server/errors';
import { logger } from '@/server/logger';
import { observeHttp } from '@/server/metrics/registry';
import { errorToHttp, zodToValidationError } from './errors-to-http';
import { queryObject } from './query-object';
import { isStream, RawReply } from './raw-reply';
import type { RestRoute } from './route';
import type { RestRouter } from './router';

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * What the REST core needs from a request. Kept minimal so the bare node:http server can serve it
 * straight from IncomingMessage, without building web Request/Response objects on the hot path.
 */
export interface RestRequest {
  method: string;
  /** Path and query as received, e.g. `/api/v1/models?limit=5`. */
  url: string;
  headers: { get(name: string): string | null };
  /** The body as text; must refuse (PayloadTooLargeError) past `limit` bytes without buffering the rest. */
  readBody(limit: number): Promise<string>;
  /** The raw body as a stream, for routes that take uploads (they enforce their own limit while reading). */
  readStream?(): AsyncIterable<Uint8Array>;
}

export interface RestResult {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array | null;
  /** A streamed answer (RawReply with a stream body); `onClose` stops it when the client leaves. */
  stream?: AsyncIterable<Uint8Array>;
  onClose?: () => void;
  /** A handler's own Response (streaming answers), passed through as is. */
  response?: Response;
}

const describeBytes = (n: number) => `${Math.round((n / 2 ** 20) * 10) / 10} MiB`;

export const tooLargeDeclared = (declared: number, limit: number) =>
  new PayloadTooLargeError(`Request body is ${declared} bytes; the limit is ${limit} bytes (${describeBytes(limit)})`);
export const tooLargeStreamed = (limit: number) => new PayloadTooLargeError(`Request body exceeds the limit of ${limit} bytes (${describeBytes(limit)})`);

/** Reads a web Request's body, at most `limit` bytes; a longer body is refused with 413. */
export async function readWebBody(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLargeDeclared(declared, limit);
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
      throw tooLargeStreamed(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function parseJsonBody(request: RestRequest, limit: number): Promise<unknown> {
  const text = await request.readBody(limit);
  if (text.trim() === '') return undefined;
  const type = request.headers.get('content-type') ?? '';
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) throw new BadRequestError(`Content-Type must be application/json (got ${type})`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`Malformed JSON body: ${(error as Error).message}`);
  }
}

function json(status: number, body: unknown, requestId: string, extra?: Record<string, string>): RestResult {
  // One headers object per answer (no spreads): the extra headers come last, as they are written.
  const headers: Record<string, string> =
    status === 204 ? { 'x-request-id': requestId } : { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-request-id': requestId };
  if (extra) Object.assign(headers, extra);
  return { status, headers, body: status === 204 ? null : JSON.stringify(body) };
}

async function run(route: RestRoute, rawParams: Record<string, string>, request: RestRequest, requestId: string): Promise<RestResult> {
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

  let query: { success: true; data: unknown } | ReturnType<NonNullable<RestRoute['query']>['safeParse']> = { success: true, data: undefined };
  if (route.query) {
    const q = request.url.indexOf('?');
    query = route.query.safeParse(queryObject(new URLSearchParams(q >= 0 ? request.url.slice(q + 1) : '')));
  }
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
  if (result instanceof Response) return { status: result.status, headers: {}, body: null, response: result };
  if (result instanceof RawReply) {
    const headers = { ...result.headers, 'x-request-id': requestId };
    return isStream(result.body) ? { status: result.status, headers, body: null, stream: result.body, onClose: result.onClose } : { status: result.status, headers, body: result.body };
  }
  return json(route.successStatus ?? 200, result, requestId);
}

/**
 * Serves one REST request against the route table: request id, authentication, authorization, body limit,
 * validation, and the error envelope `{"error": {code, message, field}}`. Shared by the Next catch-all
 * route and the dedicated API process so both behave identically.
 */
export async function serveRest(router: RestRouter, request: RestRequest, pathname: string): Promise<RestResult> {
  const requestId = request.headers.get('x-request-id')?.slice(0, 100) || randomUUID();
  const started = performance.now();
  let result: RestResult;
  let route = 'unmatched';
  try {
    const match = router.match(request.method, pathname);
    if (match && 'route' in match) route = match.route.path;
    if (!match) throw new NotFound(`No route for ${request.method} /api/v1${pathname}`);
    if ('allowed' in match) {
      result = json(405, { error: { code: 'method_not_allowed', message: `${request.method} is not allowed here; use ${match.allowed.join(', ')}`, requestId } }, requestId, { allow: match.allowed.join(', ') });
    } else {
      result = await run(match.route, match.params, request, requestId);
    }
  } catch (error) {
    const { status, body } = errorToHttp(error, requestId);
    // After a refused upload the rest of the body may still be in flight: tell the client not to reuse the socket.
    result = json(status, body, requestId, status === 413 ? { connection: 'close' } : undefined);
  }
  observeHttp(request.method, route, result.status, (performance.now() - started) / 1000);
  if (logger.isLevelEnabled('debug')) logger.debug({ requestId, method: request.method, path: pathname, status: result.status, ms: Math.round(performance.now() - started) }, 'rest request');
  return result;
}

async function* webBodyStream(request: Request): AsyncIterable<Uint8Array> {
  if (!request.body) return;
  const reader = request.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** The web-standard adapter (Next route handlers): Request in, Response out. */
export async function handleRestRequest(router: RestRouter, request: Request, pathname: string): Promise<Response> {
  const url = new URL(request.url);
  const result = await serveRest(router, { method: request.method, url: url.pathname + url.search, headers: request.headers, readBody: (limit) => readWebBody(request, limit), readStream: () => webBodyStream(request) }, pathname);
  if (result.response) return result.response;
  if (result.stream) {
    const source = result.stream[Symbol.asyncIterator]();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await source.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel() {
        result.onClose?.();
        void source.return?.();
      },
    });
    return new Response(body, { status: result.status, headers: result.headers });
  }
  return new Response(result.body as BodyInit | null, { status: result.status, headers: result.headers });
}

class NotFound extends DomainError {
  readonly status = 404;
  readonly code = 'not_found';
}

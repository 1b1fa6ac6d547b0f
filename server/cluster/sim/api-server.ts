import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ZodError } from 'zod';
import { logger } from '@/server/logger';
import { ApiError, errors } from './api/status';
import { readBody, sendError, sendJson, parseBody } from './api/body';
import { boolParam, type ApiDeps, type ApiRequest } from './api/context';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './api/discovery';
import { handleLog } from './api/handle-log';
import { handlePatch } from './api/handle-patch';
import { handleGet } from './api/handle-read';
import { handleScale } from './api/handle-scale';
import { handleWatch } from './api/handle-watch';
import { handleCreate, handleDelete, handleDeleteCollection, handleReplace } from './api/handle-write';
import { parseRoute, type ResourceRoute } from './api/route';

export type { ApiDeps } from './api/context';

const log = logger.child({ component: 'cluster-sim' });

function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  return header === `Bearer ${token}`;
}

async function handleResource(r: ApiRequest, route: ResourceRoute): Promise<void> {
  const method = r.req.method ?? 'GET';
  if (route.subresource === 'log') {
    if (method !== 'GET') throw errors.methodNotAllowed(method);
    return handleLog(r, route);
  }
  if (route.subresource === 'scale') {
    if (!['GET', 'PUT', 'PATCH'].includes(method)) throw errors.methodNotAllowed(method);
    return handleScale(r, route);
  }
  const watching = route.watchPrefix || boolParam(r.query.get('watch'));
  if (route.subresource === 'status' && !['GET', 'PUT', 'PATCH'].includes(method)) throw errors.methodNotAllowed(method);
  if (!route.name) {
    if (method === 'GET') return watching ? handleWatch(r, route) : handleGet(r, route);
    if (method === 'POST') return handleCreate(r, route);
    if (method === 'DELETE') return handleDeleteCollection(r, route);
    throw errors.methodNotAllowed(method);
  }
  switch (method) {
    case 'GET': return watching ? handleWatch(r, route) : handleGet(r, route);
    case 'PUT': return handleReplace(r, route);
    case 'PATCH': return handlePatch(r, route);
    case 'DELETE': return handleDelete(r, route);
    default: throw errors.methodNotAllowed(method);
  }
}

async function handleSettings(r: ApiRequest): Promise<void> {
  const method = r.req.method ?? 'GET';
  if (method === 'GET') return sendJson(r.res, 200, r.deps.settings.get());
  if (method !== 'PUT' && method !== 'PATCH') throw errors.methodNotAllowed(method);
  const body = parseBody(await readBody(r.req), false);
  try {
    sendJson(r.res, 200, r.deps.settings.update(body as never));
  } catch (err) {
    if (err instanceof ZodError) throw errors.badRequest(err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    throw err;
  }
}

async function dispatch(deps: ApiDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = parseRoute(url.pathname);
  if (route.kind === 'health') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    return void res.end('ok');
  }
  if (!authorized(req, deps.options.token)) throw errors.unauthorized();
  const r: ApiRequest = { req, res, query: url.searchParams, deps };
  switch (route.kind) {
    case 'discovery':
      if (route.path === 'version') return sendJson(res, 200, versionInfo());
      if (route.path === 'api') return sendJson(res, 200, apiVersions(deps.address()));
      if (route.path === 'apis') return sendJson(res, 200, apiGroupList());
      return sendJson(res, 200, apiResourceList('', 'v1'));
    case 'group': return sendJson(res, 200, apiGroup(route.group));
    case 'groupVersion': return sendJson(res, 200, apiResourceList(route.group, route.version));
    case 'settings': return handleSettings(r);
    case 'resource': return handleResource(r, route);
  }
}

/**
 * The simulator's Kubernetes API over node:http: discovery, CRUD, patch (JSON, merge, strategic,
 * server-side apply), watch, logs, scale and status subresources. Every error is a Status object.
 */
export function createApiServer(deps: ApiDeps, tls?: { cert: string; key: string }): Server {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    dispatch(deps, req, res).catch((err: unknown) => {
      if (err instanceof ApiError) return sendError(res, err);
      log.error({ err, method: req.method, url: req.url }, 'simulator API request failed');
      sendError(res, new ApiError(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`));
    });
  };
  const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createServer(handler);
  // Idle keep-alive connections stay open 90 s, as on Kubernetes' own servers (the kubelet's; Go's default
  // transport keeps them as long). With Node's 5 s default, every burst of calls after a quiet spell (50
  // pipelines' stages ending together) opened a dozen or more fresh TLS connections, each handshake
  // blocking this event loop in the middle of the burst.
  server.keepAliveTimeout = 90_000;
  return server;
}

export async function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

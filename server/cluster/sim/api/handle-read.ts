import { apiVersionOf, typeKey } from '../resources';
import { parseFieldSelector, type FieldRequirement } from '../selectors/field-selector';
import { parseLabelSelector, SelectorParseError, type Requirement } from '../selectors/label-selector';
import type { KObject } from '../store/types';
import { sendJson } from './body';
import type { ApiRequest } from './context';
import type { ResourceRoute } from './route';
import { errors } from './status';
import { tableApiVersion, toTable, wantsTable } from './table';

export function parseSelectors(r: ApiRequest, route: ResourceRoute): { labels: Requirement[]; fields: FieldRequirement[] } {
  try {
    const fields = parseFieldSelector(r.query.get('fieldSelector') ?? undefined, typeKey(route.rt));
    if (route.name) fields.push({ field: 'metadata.name', value: route.name, negate: false });
    return { labels: parseLabelSelector(r.query.get('labelSelector') ?? undefined), fields };
  } catch (err) {
    if (err instanceof SelectorParseError) throw errors.badRequest(err.message);
    throw err;
  }
}

function send(r: ApiRequest, route: ResourceRoute, body: KObject | KObject[], list: { resourceVersion: string; continueToken?: string; remaining?: number }): void {
  if (wantsTable(r.req)) {
    const objects = Array.isArray(body) ? body : [body];
    const table = toTable(route.rt.kind, objects, { resourceVersion: list.resourceVersion, includeObject: r.query.get('includeObject'), apiVersion: tableApiVersion(r.req), continueToken: list.continueToken });
    return sendJson(r.res, 200, table, 'application/json;as=Table;v=v1;g=meta.k8s.io');
  }
  if (!Array.isArray(body)) return sendJson(r.res, 200, body);
  sendJson(r.res, 200, {
    kind: `${route.rt.kind}List`,
    apiVersion: apiVersionOf(route.rt),
    metadata: {
      resourceVersion: list.resourceVersion,
      ...(list.continueToken ? { continue: list.continueToken, remainingItemCount: list.remaining } : {}),
    },
    items: body,
  });
}

/** GET of one object or of a collection (namespaced or across all namespaces), with paging. */
export function handleGet(r: ApiRequest, route: ResourceRoute): void {
  const key = typeKey(route.rt);
  const store = r.deps.store;
  if (route.name) {
    const obj = store.get(key, route.namespace, route.name);
    if (!obj) throw errors.notFound(route.rt, route.name);
    return send(r, route, obj, { resourceVersion: obj.metadata.resourceVersion ?? store.resourceVersion });
  }
  const { labels, fields } = parseSelectors(r, route);
  let resourceVersion = store.resourceVersion;
  let offset = 0;
  const token = r.query.get('continue');
  if (token) {
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv: string; offset: number };
      resourceVersion = parsed.rv;
      offset = parsed.offset;
    } catch {
      throw errors.badRequest('invalid continue token');
    }
  }
  const all = store.list(key, { namespace: route.namespace, labelSelector: labels, fieldSelector: fields });
  const limit = Number(r.query.get('limit') ?? 0);
  const page = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
  const next = limit > 0 && offset + limit < all.length ? Buffer.from(JSON.stringify({ rv: resourceVersion, offset: offset + limit })).toString('base64url') : undefined;
  send(r, route, page, { resourceVersion, continueToken: next, remaining: next ? all.length - offset - limit : undefined });
}

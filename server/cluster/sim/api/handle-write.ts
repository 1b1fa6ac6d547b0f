import type { PropagationPolicy } from '../resources';
import { apiVersionOf, typeKey } from '../resources';
import type { DeleteOptions } from '../store';
import type { KObject } from '../store/types';
import { isObject } from '../util/json';
import { rfc3339 } from '../util/time';
import { checkTypeMeta, prepareCreate, prepareUpdate } from './admission';
import { parseBody, readBody, sendJson } from './body';
import { fieldManagerOf, isDryRun, type ApiRequest } from './context';
import { parseSelectors } from './handle-read';
import type { ResourceRoute } from './route';
import { errors } from './status';
import { storeCall } from './store-errors';

/** POST to a collection: 201 with the stored object, 409 AlreadyExists, 422 Invalid. */
export async function handleCreate(r: ApiRequest, route: ResourceRoute): Promise<void> {
  const body = checkTypeMeta(route.rt, parseBody(await readBody(r.req), false));
  const { object, uid } = prepareCreate(r.deps, route.rt, body, route.namespace, fieldManagerOf(r));
  if (isDryRun(r)) {
    if (object.metadata.name && r.deps.store.get(typeKey(route.rt), object.metadata.namespace, object.metadata.name)) throw errors.alreadyExists(route.rt, object.metadata.name);
    return sendJson(r.res, 201, { ...object, metadata: { ...object.metadata, uid, creationTimestamp: rfc3339(), generation: 1 } });
  }
  const stored = storeCall(route.rt, object.metadata.name, () => r.deps.store.create(typeKey(route.rt), object, { uid }));
  sendJson(r.res, 201, stored);
}

/** PUT of an object or its status: 409 Conflict on a stale resourceVersion, 404 when missing. */
export async function handleReplace(r: ApiRequest, route: ResourceRoute): Promise<void> {
  const body = checkTypeMeta(route.rt, parseBody(await readBody(r.req), false));
  const key = typeKey(route.rt);
  const existing = r.deps.store.get(key, route.namespace, route.name!);
  if (!existing) throw errors.notFound(route.rt, route.name!);
  const next = prepareUpdate(r.deps, route.rt, existing, body, { subresource: route.subresource === 'status' ? 'status' : undefined, manager: fieldManagerOf(r) });
  if (isDryRun(r)) return sendJson(r.res, 200, next);
  const stored = storeCall(route.rt, route.name!, () => r.deps.store.update(key, next));
  sendJson(r.res, 200, stored);
}

async function deleteOptions(r: ApiRequest): Promise<DeleteOptions> {
  const buf = await readBody(r.req);
  const body = buf.length && buf.toString().trim() ? parseBody(buf, false) : {};
  const opts = isObject(body) ? body : {};
  let policy = (opts.propagationPolicy ?? r.query.get('propagationPolicy') ?? undefined) as string | undefined;
  const orphan = opts.orphanDependents ?? r.query.get('orphanDependents') ?? undefined;
  if (!policy && orphan !== undefined) policy = orphan === true || orphan === 'true' ? 'Orphan' : 'Background';
  if (policy && !['Foreground', 'Background', 'Orphan'].includes(policy)) {
    throw errors.badRequest(`DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const pre = isObject(opts.preconditions) ? (opts.preconditions as DeleteOptions['preconditions']) : undefined;
  return { propagationPolicy: policy as PropagationPolicy | undefined, preconditions: pre };
}

/** DELETE of one object: pods answer with the deleted object, other kinds with a Success Status. */
export async function handleDelete(r: ApiRequest, route: ResourceRoute): Promise<void> {
  const options = await deleteOptions(r);
  const key = typeKey(route.rt);
  const existing = r.deps.store.get(key, route.namespace, route.name!);
  if (!existing) throw errors.notFound(route.rt, route.name!);
  const deleted = isDryRun(r) ? existing : storeCall(route.rt, route.name!, () => r.deps.store.delete(key, route.namespace, route.name!, options));
  if (route.rt.resource === 'pods' || route.rt.resource === 'namespaces') return sendJson(r.res, 200, deleted);
  sendJson(r.res, 200, {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
    details: { name: deleted.metadata.name, ...(route.rt.group ? { group: route.rt.group } : {}), kind: route.rt.resource, uid: deleted.metadata.uid },
  });
}

/** DELETE of a collection (with selectors): answers the list of deleted objects. */
export async function handleDeleteCollection(r: ApiRequest, route: ResourceRoute): Promise<void> {
  const options = await deleteOptions(r);
  const key = typeKey(route.rt);
  const { labels, fields } = parseSelectors(r, route);
  const items: KObject[] = [];
  for (const obj of r.deps.store.list(key, { namespace: route.namespace, labelSelector: labels, fieldSelector: fields })) {
    if (isDryRun(r)) items.push(obj);
    else if (r.deps.store.get(key, obj.metadata.namespace, obj.metadata.name)) items.push(r.deps.store.delete(key, obj.metadata.namespace, obj.metadata.name, options));
  }
  sendJson(r.res, 200, { kind: `${route.rt.kind}List`, apiVersion: apiVersionOf(route.rt), metadata: { resourceVersion: r.deps.store.resourceVersion }, items });
}

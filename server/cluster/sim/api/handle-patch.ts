import { typeKey } from '../resources';
import type { KObject } from '../store/types';
import { checkTypeMeta, prepareCreate, prepareUpdate } from './admission';
import { mediaType, parseBody, readBody, sendJson } from './body';
import { boolParam, fieldManagerOf, isDryRun, type ApiRequest } from './context';
import { applyJsonPatch } from './json-patch';
import { mergePatch, strategicMergePatch } from './merge-patch';
import type { ResourceRoute } from './route';
import { serverSideApply } from './server-side-apply';
import { ApiError, errors } from './status';
import { storeCall } from './store-errors';

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** Applies a JSON, merge or strategic merge patch document to an object (or any JSON value). */
export function patchDocument(type: string, target: unknown, patch: unknown): unknown {
  try {
    if (type === PATCH_TYPES.json) return applyJsonPatch(target, patch);
  } catch (err) {
    throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${(err as Error).message}`);
  }
  if (type === PATCH_TYPES.merge) return mergePatch(target, patch);
  if (type === PATCH_TYPES.strategic) return strategicMergePatch(target, patch);
  throw errors.unsupportedMediaType(type);
}

async function handleApply(r: ApiRequest, route: ResourceRoute, existing: KObject | undefined, raw: Buffer): Promise<void> {
  const manager = r.query.get('fieldManager');
  if (!manager) {
    throw new ApiError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
      group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
    });
  }
  const body = checkTypeMeta(route.rt, parseBody(raw, true));
  if (body.metadata.name && body.metadata.name !== route.name) {
    throw errors.badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${route.name})`);
  }
  body.metadata.name = route.name!;
  if (route.namespace) body.metadata.namespace ??= route.namespace;
  const sub = route.subresource === 'status' ? 'status' : undefined;
  const result = serverSideApply({ rt: route.rt, existing, applied: body, manager, force: boolParam(r.query.get('force')), subresource: sub });
  const key = typeKey(route.rt);
  if (!existing) {
    if (sub) throw errors.notFound(route.rt, route.name!);
    const { object, uid } = prepareCreate(r.deps, route.rt, result, route.namespace, null);
    if (isDryRun(r)) return sendJson(r.res, 201, object);
    return sendJson(r.res, 201, storeCall(route.rt, route.name!, () => r.deps.store.create(key, object, { uid })));
  }
  const next = prepareUpdate(r.deps, route.rt, existing, result, { subresource: sub, manager: null });
  if (isDryRun(r)) return sendJson(r.res, 200, next);
  sendJson(r.res, 200, storeCall(route.rt, route.name!, () => r.deps.store.update(key, next)));
}

/** PATCH of an object or its status, in any of the four patch formats (apply creates if missing). */
export async function handlePatch(r: ApiRequest, route: ResourceRoute): Promise<void> {
  const type = mediaType(r.req);
  const raw = await readBody(r.req);
  const key = typeKey(route.rt);
  const existing = r.deps.store.get(key, route.namespace, route.name!);
  if (type === PATCH_TYPES.apply) return handleApply(r, route, existing, raw);
  if (!Object.values(PATCH_TYPES).includes(type as never)) throw errors.unsupportedMediaType(type);
  if (!existing) throw errors.notFound(route.rt, route.name!);
  const patched = patchDocument(type, existing, parseBody(raw, false));
  const body = checkTypeMeta(route.rt, patched);
  const next = prepareUpdate(r.deps, route.rt, existing, body, { subresource: route.subresource === 'status' ? 'status' : undefined, manager: fieldManagerOf(r) });
  if (isDryRun(r)) return sendJson(r.res, 200, next);
  sendJson(r.res, 200, storeCall(route.rt, route.name!, () => r.deps.store.update(key, next)));
}

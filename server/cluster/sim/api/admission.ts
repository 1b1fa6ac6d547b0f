import { randomUUID } from 'node:crypto';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IPriorityClass } from 'kubernetes-models/scheduling.k8s.io/v1/PriorityClass';
import { admitPodPriority, admitPriorityClass } from '../priority';
import { apiVersionOf, T, type ResourceType } from '../resources';
import type { KObject } from '../store/types';
import { clone, isObject } from '../util/json';
import type { ApiDeps } from './context';
import { applyDefaults } from './defaults';
import { recordUpdate } from './managed-fields';
import { errors } from './status';
import { validateObject } from './validation';

const SERVER_META = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'] as const;

/** The body must be an object of the URL's kind and version. */
export function checkTypeMeta(rt: ResourceType, body: unknown): KObject {
  if (!isObject(body)) throw errors.badRequest('the body of the request must be a JSON object');
  const expected = apiVersionOf(rt);
  const obj = body as KObject;
  if (obj.apiVersion && obj.apiVersion !== expected) throw errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`);
  if (obj.kind && obj.kind !== rt.kind) throw errors.badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${rt.kind})`);
  const out = clone(obj);
  out.apiVersion = expected;
  out.kind = rt.kind;
  if (!isObject(out.metadata)) out.metadata = { name: '' };
  return out;
}

function clusterIps(deps: Pick<ApiDeps, 'store'>): () => Set<string> {
  return () => new Set(deps.store.list<KObject>(T.services).map((s) => (s as unknown as IService).spec?.clusterIP ?? '').filter(Boolean));
}

/** Admission plugins that look at other objects (Priority); 403 Forbidden when one refuses. */
function admit(deps: Pick<ApiDeps, 'store'>, rt: ResourceType, obj: KObject, creating: boolean): void {
  let refused: string | null = null;
  if (obj.kind === 'Pod' && creating) refused = admitPodPriority(deps.store, (obj as unknown as IPod).spec);
  if (obj.kind === 'PriorityClass') refused = admitPriorityClass(deps.store, obj as KObject & IPriorityClass);
  if (refused) throw errors.forbidden(rt, obj.metadata.name || obj.metadata.generateName || '', refused);
}

/**
 * Turns a create request's body into the object to store: namespace checks, server-owned fields
 * dropped, status reset (types with a status subresource), defaults, admission, validation, field ownership.
 * `manager` null means managedFields were already computed (server-side apply).
 */
export function prepareCreate(deps: Pick<ApiDeps, 'store'>, rt: ResourceType, body: KObject, namespace: string | undefined, manager: string | null): { object: KObject; uid: string } {
  const obj = clone(body);
  if (rt.namespaced) {
    if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    if (!obj.metadata.namespace) throw errors.badRequest('a namespace must be given for a namespaced resource');
    if (!deps.store.get(T.namespaces, undefined, obj.metadata.namespace)) throw errors.namespaceNotFound(obj.metadata.namespace);
  } else delete obj.metadata.namespace;
  for (const f of SERVER_META) delete obj.metadata[f];
  if (rt.status) delete obj.status;
  if (manager !== null) delete obj.metadata.managedFields;
  const uid = randomUUID();
  applyDefaults(obj, { uid, clusterIps: clusterIps(deps) });
  admit(deps, rt, obj, true);
  validateObject(rt, obj);
  if (manager !== null) recordUpdate(rt, undefined, obj, manager);
  return { object: obj, uid };
}

/**
 * Turns an update's desired object into the object to store. On the main resource status stays as
 * stored; on `/status` only status changes. Defaults, validation (immutable fields), ownership.
 */
export function prepareUpdate(deps: Pick<ApiDeps, 'store'>, rt: ResourceType, existing: KObject, desired: KObject, options: { subresource?: 'status'; manager: string | null }): KObject {
  if (desired.metadata.name && desired.metadata.name !== existing.metadata.name) {
    throw errors.badRequest(`the name of the object (${desired.metadata.name}) does not match the name on the URL (${existing.metadata.name})`);
  }
  if (rt.namespaced && desired.metadata.namespace && desired.metadata.namespace !== existing.metadata.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  let next: KObject;
  if (options.subresource === 'status') {
    next = clone(existing);
    next.status = clone(desired.status);
    if (options.manager === null) next.metadata.managedFields = desired.metadata.managedFields;
  } else {
    next = clone(desired);
    next.metadata.name = existing.metadata.name;
    if (rt.status) next.status = clone(existing.status);
    if (options.manager !== null) next.metadata.managedFields = existing.metadata.managedFields;
  }
  next.metadata.resourceVersion = desired.metadata.resourceVersion;
  if (!next.metadata.resourceVersion) delete next.metadata.resourceVersion;
  next.metadata.uid = existing.metadata.uid;
  if (existing.metadata.namespace) next.metadata.namespace = existing.metadata.namespace;
  next.metadata.creationTimestamp = existing.metadata.creationTimestamp;
  applyDefaults(next, { uid: existing.metadata.uid!, existing, clusterIps: clusterIps(deps) });
  admit(deps, rt, next, false);
  validateObject(rt, next, existing);
  if (options.manager !== null) recordUpdate(rt, existing, next, options.manager, options.subresource);
  return next;
}

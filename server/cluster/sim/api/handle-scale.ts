import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { typeKey } from '../resources';
import { formatSelector } from '../selectors/label-selector';
import type { KObject } from '../store/types';
import { clone, isObject } from '../util/json';
import { prepareUpdate } from './admission';
import { mediaType, parseBody, readBody, sendJson } from './body';
import { fieldManagerOf, type ApiRequest } from './context';
import { patchDocument } from './handle-patch';
import type { ResourceRoute } from './route';
import { errors } from './status';
import { storeCall } from './store-errors';

/** The autoscaling/v1 Scale view of a Deployment or ReplicaSet. */
export function scaleOf(obj: KObject): Record<string, unknown> {
  const d = obj as unknown as IDeployment;
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: d.spec?.replicas ?? 1 },
    status: { replicas: d.status?.replicas ?? 0, selector: d.spec?.selector ? formatSelector(d.spec.selector) : '' },
  };
}

/** GET, PUT and PATCH of `/scale`: reads and writes spec.replicas. */
export async function handleScale(r: ApiRequest, route: ResourceRoute): Promise<void> {
  const key = typeKey(route.rt);
  const method = r.req.method ?? 'GET';
  const raw = method === 'GET' ? undefined : await readBody(r.req);
  const existing = r.deps.store.get(key, route.namespace, route.name!);
  if (!existing) throw errors.notFound(route.rt, route.name!);
  if (method === 'GET') return sendJson(r.res, 200, scaleOf(existing));
  const current = scaleOf(existing);
  const desired = method === 'PUT' ? parseBody(raw!, false) : patchDocument(mediaType(r.req), current, parseBody(raw!, false));
  if (!isObject(desired) || !isObject(desired.spec)) throw errors.badRequest('the body must be a Scale object');
  const replicas = desired.spec.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid({ ...route.rt, kind: 'Scale', group: 'autoscaling' }, route.name!, [{ reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0`, field: 'spec.replicas' }]);
  }
  const next = clone(existing);
  (next.spec as { replicas: number }).replicas = replicas;
  const rv = isObject(desired.metadata) ? desired.metadata.resourceVersion : undefined;
  next.metadata.resourceVersion = typeof rv === 'string' && rv ? rv : existing.metadata.resourceVersion;
  const prepared = prepareUpdate(r.deps, route.rt, existing, next, { manager: fieldManagerOf(r) });
  const stored = storeCall(route.rt, route.name!, () => r.deps.store.update(key, prepared));
  sendJson(r.res, 200, scaleOf(stored));
}

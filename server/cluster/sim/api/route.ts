import { findResourceType, type ResourceType } from '../resources';
import { errors } from './status';

export type Subresource = 'status' | 'scale' | 'log';

/** A request for a resource: collection (no name), object, or an object's subresource. */
export interface ResourceRoute {
  kind: 'resource';
  rt: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: Subresource;
  /** The deprecated `/watch/` path prefix was used. */
  watchPrefix: boolean;
}

export type Route =
  | ResourceRoute
  | { kind: 'discovery'; path: 'version' | 'api' | 'apis' | 'core' }
  | { kind: 'group'; group: string }
  | { kind: 'groupVersion'; group: string; version: string }
  | { kind: 'health' }
  | { kind: 'settings' };

const SUBRESOURCES: Record<string, (rt: ResourceType) => boolean> = {
  status: (rt) => rt.status,
  scale: (rt) => !!rt.scale,
  log: (rt) => rt.resource === 'pods',
};

/** Maps a URL path onto the API's resource layout; throws the 404 the real server would send. */
export function parseRoute(pathname: string): Route {
  const segs = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (segs.length === 1 && ['healthz', 'readyz', 'livez'].includes(segs[0])) return { kind: 'health' };
  if (segs.length === 1 && segs[0] === 'version') return { kind: 'discovery', path: 'version' };
  if (segs.join('/') === 'sim/v1/settings') return { kind: 'settings' };
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api') {
    if (segs.length === 1) return { kind: 'discovery', path: 'api' };
    if (segs[1] !== 'v1') throw errors.noRoute();
    if (segs.length === 2) return { kind: 'discovery', path: 'core' };
    [group, version, rest] = ['', 'v1', segs.slice(2)];
  } else if (segs[0] === 'apis') {
    if (segs.length === 1) return { kind: 'discovery', path: 'apis' };
    if (segs.length === 2) return { kind: 'group', group: segs[1] };
    if (segs.length === 3) return { kind: 'groupVersion', group: segs[1], version: segs[2] };
    [group, version, rest] = [segs[1], segs[2], segs.slice(3)];
  } else throw errors.noRoute();

  let watchPrefix = false;
  if (rest[0] === 'watch') {
    watchPrefix = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && group === '' && ['status', 'finalize'].includes(rest[2]))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, sub, ...extra] = rest;
  const rt = resource ? findResourceType(group, version, resource) : undefined;
  if (!rt || extra.length > 0) throw errors.noRoute();
  if (namespace !== undefined && !rt.namespaced) throw errors.noRoute();
  if (sub !== undefined && !SUBRESOURCES[sub]?.(rt)) throw errors.noRoute();
  if (rt.namespaced && name !== undefined && namespace === undefined) throw errors.noRoute();
  return { kind: 'resource', rt, namespace, name, subresource: sub as Subresource | undefined, watchPrefix };
}

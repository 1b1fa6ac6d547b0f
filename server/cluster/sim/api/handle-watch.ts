import { apiVersionOf, typeKey } from '../resources';
import { matchesFields } from '../selectors/field-selector';
import { matchesRequirements } from '../selectors/label-selector';
import type { KObject, StoreEvent } from '../store/types';
import { sendJson } from './body';
import { boolParam, type ApiRequest } from './context';
import { parseSelectors } from './handle-read';
import type { ResourceRoute } from './route';
import { errors } from './status';
import { tableApiVersion, toTable, wantsTable } from './table';

type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * A watch: newline-delimited JSON `{type, object}`. From a resourceVersion it replays the history
 * after it (or refuses with 410 Expired when history no longer reaches back); without one (or "0")
 * it starts with ADDED events for what exists. Selector-filtered watches see objects that stop
 * matching as DELETED and objects that start matching as ADDED, like the real API server.
 */
export function handleWatch(r: ApiRequest, route: ResourceRoute): void {
  const { store, options, watches } = r.deps;
  const key = typeKey(route.rt);
  const { labels, fields } = parseSelectors(r, route);
  const matches = (obj: KObject) =>
    (!route.namespace || obj.metadata.namespace === route.namespace) && matchesRequirements(obj.metadata.labels, labels) && matchesFields(obj, fields);
  const rvParam = r.query.get('resourceVersion');
  const sendInitial = r.query.get('sendInitialEvents') === 'true';
  const bookmarks = boolParam(r.query.get('allowWatchBookmarks'));
  const table = wantsTable(r.req);

  let replay: StoreEvent[] = [];
  let initial: KObject[] = [];
  if (!rvParam || rvParam === '0' || sendInitial) {
    initial = store.list(key, { namespace: route.namespace }).filter(matches);
  } else {
    const from = Number(rvParam);
    if (!Number.isInteger(from) || from < 0) throw errors.badRequest(`invalid resource version "${rvParam}"`);
    const events = store.eventsSince(key, from);
    if (!events) {
      const gone = errors.expired(`too old resource version: ${from} (${store.resourceVersion})`);
      if (options.expiredWatch === 'status') return sendJson(r.res, 410, gone.toStatus());
      r.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
      r.res.end(`${JSON.stringify({ type: 'ERROR', object: gone.toStatus() })}\n`);
      return;
    }
    replay = events;
  }

  const res = r.res;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const write = (type: WatchType, object: unknown) => {
    if (res.writableEnded || res.destroyed) return;
    const body = table && type !== 'BOOKMARK' && type !== 'ERROR'
      ? toTable(route.rt.kind, [object as KObject], { resourceVersion: (object as KObject).metadata.resourceVersion ?? '', includeObject: r.query.get('includeObject'), apiVersion: tableApiVersion(r.req) })
      : object;
    res.write(`${JSON.stringify({ type, object: body })}\n`);
  };
  const deliver = (e: StoreEvent) => {
    const now = matches(e.object);
    const before = e.oldObject ? matches(e.oldObject) : false;
    if (e.type === 'ADDED' && now) write('ADDED', e.object);
    else if (e.type === 'DELETED' && (now || before)) write('DELETED', e.object);
    else if (e.type === 'MODIFIED') {
      if (now && before) write('MODIFIED', e.object);
      else if (now) write('ADDED', e.object);
      else if (before) write('DELETED', e.object);
    }
  };
  const bookmark = (extra?: Record<string, string>) =>
    write('BOOKMARK', { kind: route.rt.kind, apiVersion: apiVersionOf(route.rt), metadata: { resourceVersion: store.resourceVersion, ...(extra ? { annotations: extra } : {}) } });

  // Replay and subscription happen in the same tick: no event can fall between them.
  for (const obj of initial) write('ADDED', obj);
  for (const e of replay) deliver(e);
  if (sendInitial && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  const unsubscribe = store.subscribe(deliver, [key]);
  const timers: NodeJS.Timeout[] = [];
  if (bookmarks) timers.push(setInterval(() => bookmark(), options.bookmarkIntervalMs));
  const timeout = Number(r.query.get('timeoutSeconds') ?? 0);
  if (timeout > 0) timers.push(setTimeout(() => { cleanup(); res.end(); }, timeout * 1000));
  let unregister = () => {};
  const cleanup = () => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    unregister();
  };
  unregister = watches.add(res, cleanup);
  res.on('close', cleanup);
}

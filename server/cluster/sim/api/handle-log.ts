import type { IPod } from 'kubernetes-models/v1/Pod';
import { T } from '../resources';
import type { LogLine } from '../pod-logs';
import type { Stored } from '../store/types';
import { boolParam, type ApiRequest } from './context';
import type { ResourceRoute } from './route';
import { errors } from './status';

function format(line: LogLine, timestamps: boolean): string {
  return `${timestamps ? `${new Date(line.time).toISOString()} ` : ''}${line.text}\n`;
}

/** GET pods/{name}/log: text/plain, with tailLines, sinceSeconds, timestamps, previous and follow. */
export function handleLog(r: ApiRequest, route: ResourceRoute): void {
  const { store, podLogs } = r.deps;
  const name = route.name!;
  const ns = route.namespace!;
  const pod = store.get<Stored<IPod>>(T.pods, ns, name);
  if (!pod) throw errors.notFound(route.rt, name);
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  const container = r.query.get('container') ?? (names.length === 1 ? names[0] : undefined);
  if (!container) throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
  if (!names.includes(container)) throw errors.badRequest(`container ${container} is not valid for pod ${name}`);
  const previous = boolParam(r.query.get('previous'));
  let lines = podLogs.read(ns, name, container, previous);
  const status = pod.status?.containerStatuses?.find((c) => c.name === container);
  if (lines.length === 0 && !previous) {
    const waiting = status?.state?.waiting?.reason ?? (status ? undefined : 'ContainerCreating');
    if (waiting) {
      const why = waiting === 'ImagePullBackOff' || waiting === 'ErrImagePull' ? 'trying and failing to pull image' : waiting;
      throw errors.badRequest(`container "${container}" in pod "${name}" is waiting to start: ${why}`);
    }
  }
  if (previous && lines.length === 0) throw errors.badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  const since = r.query.get('sinceSeconds') ? Date.now() - Number(r.query.get('sinceSeconds')) * 1000 : r.query.get('sinceTime') ? Date.parse(r.query.get('sinceTime')!) : undefined;
  if (since !== undefined) lines = lines.filter((l) => l.time >= since);
  const tail = r.query.get('tailLines');
  if (tail !== null && Number(tail) >= 0) lines = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
  const timestamps = boolParam(r.query.get('timestamps'));
  let budget = r.query.get('limitBytes') ? Number(r.query.get('limitBytes')) : Infinity;
  const res = r.res;
  const emit = (line: LogLine): boolean => {
    let text = format(line, timestamps);
    if (text.length > budget) text = text.slice(0, budget);
    budget -= text.length;
    res.write(text);
    return budget > 0;
  };
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  for (const line of lines) if (!emit(line)) return void res.end();
  if (!boolParam(r.query.get('follow')) || previous) return void res.end();
  const stop = podLogs.follow(ns, name, container, (line) => {
    if (!emit(line)) {
      stop();
      res.end();
    }
  }, () => res.end());
  res.on('close', stop);
}

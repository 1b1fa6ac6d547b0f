import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResolvedOptions } from '../options';
import type { PodLogs } from '../pod-logs';
import type { SettingsStore } from '../settings';
import type { ObjectStore } from '../store';
import type { WatchRegistry } from './watch-registry';

/** What the request handlers share. */
export interface ApiDeps {
  store: ObjectStore;
  podLogs: PodLogs;
  watches: WatchRegistry;
  settings: SettingsStore;
  options: ResolvedOptions;
  /** host:port the server listens on (for discovery). */
  address: () => string;
}

export interface ApiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  deps: ApiDeps;
}

/** The field manager for a write: the `fieldManager` parameter, else the user agent's product name. */
export function fieldManagerOf(r: ApiRequest): string {
  const explicit = r.query.get('fieldManager');
  if (explicit) return explicit;
  const agent = r.req.headers['user-agent'] ?? '';
  return agent.split('/')[0].trim() || 'unknown';
}

export function isDryRun(r: ApiRequest): boolean {
  return r.query.getAll('dryRun').includes('All');
}

export function boolParam(value: string | null): boolean {
  return value === 'true' || value === '1';
}

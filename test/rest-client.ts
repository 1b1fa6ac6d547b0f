import type { Server } from 'node:http';
import { createRestServer, listenOnLoopback } from '@/server/http/node-server';
import { restRouter } from '@/server/http/routes';

/** Serves the real /api/v1 route table over loopback HTTP for a test file. */
export async function startRestServer(): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createRestServer(restRouter);
  const url = await listenOnLoopback(server);
  return { url, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// Tests read arbitrary JSON bodies; `any` keeps assertions terse.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface CallResult<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

export function client(baseUrl: string, key?: string) {
  return async function call<T = Json>(method: string, path: string, body?: unknown, init: { raw?: string; headers?: Record<string, string> } = {}): Promise<CallResult<T>> {
    const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...init.headers };
    let payload: string | undefined;
    if (init.raw !== undefined) payload = init.raw;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${baseUrl}/api/v1${path}`, { method, headers, body: payload });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
}

import type { Simulator } from '../index';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** Plain fetch against a simulator started with `tls: false` (tests only). */
export function httpClient(sim: Pick<Simulator, 'url' | 'token'>, token: string | null = sim.token) {
  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown, contentType = 'application/json', accept?: string): Promise<Reply<T>> => {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = contentType;
    if (accept) headers.Accept = accept;
    const res = await fetch(`${sim.url}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // text/plain (logs)
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  return {
    get: <T = Record<string, unknown>>(path: string, accept?: string) => call<T>('GET', path, undefined, undefined, accept),
    post: <T = Record<string, unknown>>(path: string, body: unknown) => call<T>('POST', path, body),
    put: <T = Record<string, unknown>>(path: string, body: unknown) => call<T>('PUT', path, body),
    patch: <T = Record<string, unknown>>(path: string, body: unknown, type = 'application/merge-patch+json') => call<T>('PATCH', path, body, type),
    del: <T = Record<string, unknown>>(path: string, body?: unknown) => call<T>('DELETE', path, body),
  };
}

/** Reads a watch stream, collecting `{type, object}` events until stopped. */
export async function openWatch(sim: Pick<Simulator, 'url' | 'token'>, path: string): Promise<{ events: { type: string; object: Record<string, unknown> }[]; status: number; done: Promise<void>; stop(): void }> {
  const controller = new AbortController();
  const res = await fetch(`${sim.url}${path}`, { headers: { Authorization: `Bearer ${sim.token}` }, signal: controller.signal });
  const events: { type: string; object: Record<string, unknown> }[] = [];
  const done = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) events.push(JSON.parse(line));
        }
      }
    } catch {
      // aborted or dropped
    }
  })();
  return { events, status: res.status, done, stop: () => controller.abort() };
}

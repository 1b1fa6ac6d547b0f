import { createServer, type IncomingMessage, type Server } from 'node:http';
import { encode } from 'next-auth/jwt';
import superjson from 'superjson';
import { GET, POST } from '@/app/api/trpc/[trpc]/route';
import type { Actor } from '@/server/auth/actor';
import { getEnv } from '@/server/env';
import { listenOnLoopback } from '@/server/http/node-server';

/**
 * Serves the app's own tRPC route handler (app/api/trpc/[trpc]/route.ts) over loopback HTTP, the way
 * `next start` hands it requests: a web Request in (aborted when the client goes away), a streamed Response out.
 */
export async function startTrpcServer(): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(async (req, res) => {
    const aborted = new AbortController();
    res.once('close', () => aborted.abort());
    try {
      const handler = req.method === 'POST' ? POST : GET;
      const response = await handler(toRequest(req, aborted.signal));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.flushHeaders();
      if (response.body) for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
      res.end();
    } catch (error) {
      if (!res.headersSent) res.writeHead(500);
      res.end(aborted.signal.aborted ? undefined : String(error));
    }
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', 'http://127.0.0.1'), {
    method: req.method,
    headers,
    signal,
    ...(hasBody ? { body: req as unknown as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit);
}

/** The session cookie a browser holds after signing in as `actor` (a next-auth JWT, as the login sets it). */
export async function sessionCookie(actor: Actor): Promise<string> {
  const token = await encode({ token: { sub: actor.id ?? undefined, email: actor.label }, secret: getEnv().NEXTAUTH_SECRET });
  return `next-auth.session-token=${token}`;
}

export interface SseEvent {
  event: string;
  id?: string;
  /** superjson-decoded `data` (tRPC sends every payload through the transformer). */
  data: unknown;
  at: number;
}

/**
 * A subscription opened over HTTP like a browser's EventSource would (GET with the input in the query string),
 * read as server-sent events. `next()` resolves with the next event other than pings, or null once the stream ended.
 */
export function openSubscription(baseUrl: string, path: string, input: unknown, headers: Record<string, string> = {}) {
  const aborted = new AbortController();
  const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  const response = fetch(`${baseUrl}/api/trpc/${path}${query}`, { headers: { accept: 'text/event-stream', ...headers }, signal: aborted.signal });
  const events = (async function* (): AsyncGenerator<SseEvent> {
    const res = await response;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields: Record<string, string> = {};
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':');
          if (colon > 0) fields[line.slice(0, colon)] = (fields[line.slice(0, colon)] ?? '') + line.slice(colon + 1).replace(/^ /, '');
        }
        if (fields.data === undefined && fields.event === undefined) continue;
        const event = fields.event ?? 'message';
        if (event === 'ping') continue;
        // `connected` carries tRPC's own client options as plain JSON; everything else went through superjson.
        const raw = fields.data ? JSON.parse(fields.data) : undefined;
        yield { event, id: fields.id || undefined, data: raw !== undefined && event !== 'connected' ? superjson.deserialize(raw) : raw, at: Date.now() };
      }
    }
  })();
  let unclaimed: Promise<IteratorResult<SseEvent>> | undefined;
  return {
    response,
    /** Reads until nothing arrives for `quietMs`: what was already on its way is consumed. */
    async drain(quietMs: number): Promise<SseEvent[]> {
      const seen: SseEvent[] = [];
      for (;;) {
        const e = await this.next(quietMs).catch(() => undefined);
        if (e === undefined) return seen;
        if (e === null) throw new Error(`${path}: the stream ended`);
        seen.push(e);
      }
    },
    async next(timeoutMs = 10_000): Promise<SseEvent | null> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no event from ${path} within ${timeoutMs} ms`)), timeoutMs);
      });
      // A read that lost its race is still waiting on the stream and will get the next event: the next call
      // takes it over, or that event would be lost (drain() always ends with such a read).
      const pending = (unclaimed ??= events.next());
      // Still pending when the stream is closed: its rejection is expected, not unhandled.
      pending.catch(() => undefined);
      try {
        const { value, done } = await Promise.race([pending, timeout]);
        unclaimed = undefined;
        return done ? null : value;
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      aborted.abort();
    },
  };
}

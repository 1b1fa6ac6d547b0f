import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { handleRestRequest } from './handle';
import type { RestRouter } from './router';

const PREFIX = '/api/v1';

function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
    else if (v !== undefined) headers.set(k, v);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', origin), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    duplex: 'half',
  } as RequestInit);
}

async function send(res: ServerResponse, response: Response) {
  res.statusCode = response.status;
  response.headers.forEach((value, key) => res.setHeader(key, value));
  res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
}

/**
 * A bare node:http server for the /api/v1 route table: the same handler as the Next catch-all route,
 * without Next's per-request overhead. Used by integration tests and by the data-plane process.
 */
export function createRestServer(router: RestRouter): Server {
  return createServer((req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    if (!path.startsWith(PREFIX)) {
      res.statusCode = 404;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: { code: 'not_found', message: `No route for ${path}` } }));
      return;
    }
    const request = toRequest(req, `http://${req.headers.host ?? '127.0.0.1'}`);
    handleRestRequest(router, request, path.slice(PREFIX.length) || '/')
      .then((response) => send(res, response))
      .catch((error) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: { code: 'internal', message: String(error?.message ?? error) } }));
      });
  });
}

/** Starts the server on a free loopback port and returns its base URL. */
export async function listenOnLoopback(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

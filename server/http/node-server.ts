import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleRestRequest } from './handle';
import type { RestRouter } from './router';

const PREFIX = '/api/v1';

function toRequest(req: IncomingMessage, origin: string): { request: Request; discardBody: () => void } {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
    else if (v !== undefined) headers.set(k, v);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const body = hasBody ? bodyStream(req) : undefined;
  const request = new Request(new URL(req.url ?? '/', origin), { method: req.method, headers, body: body?.stream, duplex: 'half' } as RequestInit);
  return { request, discardBody: () => (body ? body.discard() : drain(req)) };
}

/**
 * The request body as a web stream whose cancellation discards the rest instead of destroying the socket,
 * so a client that is refused mid-upload (413) still reads the answer.
 */
function bodyStream(req: IncomingMessage): { stream: ReadableStream<Uint8Array>; discard: () => void } {
  let cancelled = false;
  const discard = () => {
    if (cancelled) return;
    cancelled = true;
    drain(req);
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (cancelled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.on('end', () => !cancelled && controller.close());
      req.on('error', (error) => !cancelled && controller.error(error));
    },
    pull() {
      req.resume();
    },
    cancel: discard,
  });
  return { stream, discard };
}

const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/** Reads and discards what is left of a refused body (up to a bound), then lets the socket be reused. */
function drain(req: IncomingMessage) {
  if (req.readableEnded) return;
  let drained = 0;
  req.on('data', (chunk: Buffer) => {
    drained += chunk.byteLength;
    if (drained > MAX_DRAIN_BYTES) req.destroy();
  });
  req.resume();
}

async function send(res: ServerResponse, response: Response, discardBody: () => void) {
  res.statusCode = response.status;
  response.headers.forEach((value, key) => res.setHeader(key, value));
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  discardBody();
  res.end(body);
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
    const { request, discardBody } = toRequest(req, `http://${req.headers.host ?? '127.0.0.1'}`);
    handleRestRequest(router, request, path.slice(PREFIX.length) || '/')
      .then((response) => send(res, response, discardBody))
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

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { logger } from '@/server/logger';
import { type RestRequest, type RestResult, serveRest, tooLargeDeclared, tooLargeStreamed } from './handle';
import type { RestRouter } from './router';

const PREFIX = '/api/v1';
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/** Reads and discards what is left of a refused body (up to a bound), so the client still reads the answer. */
function drain(req: IncomingMessage) {
  // Without a body there is nothing to discard (Node finishes a bodyless request on its own).
  if (req.readableEnded || !hasBody(req)) return;
  let drained = 0;
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    drained += chunk.byteLength;
    if (drained > MAX_DRAIN_BYTES) req.destroy();
  });
  req.resume();
}

const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/** Reads at most `limit` bytes of the body; past it, refuses with 413 and discards the rest. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLargeDeclared(declared, limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > limit) {
        drain(req);
        reject(tooLargeStreamed(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

/**
 * IncomingMessage as the REST core's minimal request: no web Request/Headers objects on the hot path, and
 * no closures made per request (methods live on the prototype).
 */
class NodeRestRequest implements RestRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };

  constructor(private readonly req: IncomingMessage) {
    this.method = req.method ?? 'GET';
    this.url = req.url ?? '/';
    this.headers = new NodeHeaders(req);
  }

  readBody(limit: number) {
    return readBody(this.req, limit);
  }

  readStream() {
    return this.req;
  }
}

class NodeHeaders {
  constructor(private readonly req: IncomingMessage) {}

  get(name: string): string | null {
    const value = this.req.headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }
}

async function send(req: IncomingMessage, res: ServerResponse, result: RestResult) {
  if (result.response) {
    res.statusCode = result.response.status;
    result.response.headers.forEach((value, key) => res.setHeader(key, value));
    if (!result.response.body) return res.end();
    for await (const chunk of result.response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
    return res.end();
  }
  drain(req);
  if (result.stream) {
    res.writeHead(result.status, result.headers);
    return pipeStream(res, result);
  }
  // A known length keeps Node from chunked encoding, so head and body leave in one write.
  const body = result.body ?? '';
  result.headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  res.writeHead(result.status, result.headers);
  res.end(body);
}

/** Writes a streamed answer chunk by chunk, honouring backpressure; a client that leaves stops the producer. */
async function pipeStream(res: ServerResponse, result: RestResult) {
  const source = result.stream![Symbol.asyncIterator]();
  let closed = false;
  res.once('close', () => {
    if (res.writableFinished) return;
    closed = true;
    result.onClose?.();
    void source.return?.();
  });
  res.flushHeaders();
  for (;;) {
    const { done, value } = await source.next();
    if (done || closed) break;
    if (!res.write(value)) await new Promise((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
  }
  if (!closed) res.end();
}

/** An answer for a GET outside /api/v1 that a process serves itself (e.g. the API process's /api/metrics). */
export type ExtraGet = () => Promise<{ contentType: string; body: string }>;

/**
 * A bare node:http server for the /api/v1 route table: the same core as the Next catch-all route
 * (serveRest), without Next's per-request overhead. Used by the dedicated API process and the tests.
 */
export function createRestServer(router: RestRouter, extraGets: Record<string, ExtraGet> = {}): Server {
  return createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    const extra = req.method === 'GET' ? extraGets[path] : undefined;
    if (extra) {
      extra().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
          res.end(body);
        },
        (error) => {
          logger.error({ err: error, path }, 'failed to answer a GET');
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('Internal error');
        },
      );
      return;
    }
    if (!path.startsWith(PREFIX)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'not_found', message: `No route for ${path}` } }));
      return;
    }
    serveRest(router, new NodeRestRequest(req), path.slice(PREFIX.length) || '/')
      .then((result) => send(req, res, result))
      .catch((error) => {
        logger.error({ err: error, path }, 'failed to send a REST response');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'internal', message: 'Internal error' } }));
      });
  });
}

/** Starts the server on a free loopback port and returns its base URL. */
export async function listenOnLoopback(server: Server, port = 0, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${address.port}`;
}

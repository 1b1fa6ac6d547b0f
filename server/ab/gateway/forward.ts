import { Agent, type IncomingMessage, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/*
 * Plain node:http with keep-alive pools to the model servers: a proxied completion costs one write and
 * one read on an open socket, which is what keeps the gateway's overhead near a millisecond (fetch/undici
 * added more per request on this machine).
 */
const agent = new Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });

export interface Upstream {
  status: number;
  headers: Record<string, string>;
  /** The response, unread: the caller buffers it or streams it on. */
  body: IncomingMessage;
  abort: () => void;
}

/** Headers of the model server's answer that a client may see (hop-by-hop ones stay here). */
const PASSED_HEADERS = ['content-type', 'cache-control', 'openai-processing-ms', 'x-request-id'];

/** POSTs `payload` to `${baseUrl}${path}`; rejects when the server cannot be reached or times out before answering. */
export function forward(baseUrl: string, path: string, payload: string, opts: { timeoutMs: number; headers?: Record<string, string> }): Promise<Upstream> {
  const url = new URL(path, `${baseUrl}/`);
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : request)(
      {
        method: 'POST',
        hostname: url.hostname,
        port: url.port || (secure ? 443 : 80),
        path: url.pathname + url.search,
        agent: secure ? httpsAgent : agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...opts.headers },
      },
      (res) => {
        req.setTimeout(0);
        const headers: Record<string, string> = {};
        for (const name of PASSED_HEADERS) {
          const value = res.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        resolve({ status: res.statusCode ?? 502, headers, body: res, abort: () => req.destroy() });
      },
    );
    req.setTimeout(opts.timeoutMs, () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.once('error', reject);
    req.end(payload);
  });
}

export async function readAll(body: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

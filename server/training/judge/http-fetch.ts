import http from 'node:http';
import https from 'node:https';

/** Statuses whose response has no body (a Response refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) } as const;

function requestUrl(input: Parameters<typeof fetch>[0]): URL {
  if (typeof input === 'string') return new URL(input);
  if (input instanceof URL) return input;
  return new URL(input.url);
}

function requestBody(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  throw new TypeError('http-fetch sends string or byte bodies only');
}

/**
 * The `fetch` the judge's OpenAI client uses: one request over node:http(s) with keep-alive connections, the
 * answer read whole, then handed over as a standard Response. A judge call through the built-in fetch cost
 * the worker about 0.9 ms of CPU (its stream machinery, for an answer of a few hundred bytes); through this
 * one 0.45 ms — and a burst of evaluations makes forty calls per pipeline while the same worker moves the
 * other pipelines' stages along. Non-streaming calls only (the judge never streams). The client's timeout
 * arrives as the abort signal, which ends the request with an AbortError as the built-in fetch does.
 */
export const httpFetch: typeof fetch = (input, init = {}) =>
  new Promise<Response>((resolve, reject) => {
    const url = requestUrl(input);
    const agent = url.protocol === 'https:' ? agents['https:'] : url.protocol === 'http:' ? agents['http:'] : null;
    if (!agent) return reject(new TypeError(`http-fetch: unsupported protocol ${url.protocol}`));
    let body: string | Uint8Array | undefined;
    try {
      body = requestBody(init.body);
    } catch (error) {
      return reject(error);
    }
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    const send = url.protocol === 'https:' ? https.request : http.request;
    const req = send(url, { method: init.method ?? 'GET', headers, agent, signal: init.signal ?? undefined }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
          else if (value !== undefined) responseHeaders.set(name, value);
        }
        const status = res.statusCode ?? 0;
        resolve(new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
      });
    });
    req.once('error', reject);
    req.end(body);
  });

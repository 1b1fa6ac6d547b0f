import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, errors } from './status';

const MAX_BODY = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw errors.tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The media type without parameters, lower case. */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** JSON, or YAML for apply patches (YAML is a superset of JSON, so both work there). */
export function parseBody(buf: Buffer, yaml: boolean): unknown {
  const text = buf.toString('utf8');
  if (!text.trim()) throw errors.badRequest('the request body is empty');
  try {
    if (!yaml) return JSON.parse(text);
    // JSON is YAML, and most apply patches arrive as JSON: JSON.parse is far cheaper than the YAML parser.
    if (text.trimStart().startsWith('{')) {
      try {
        return JSON.parse(text);
      } catch {
        // a YAML flow mapping, e.g. `{a: 1}`
      }
    }
    return parseYaml(text);
  } catch (err) {
    throw errors.badRequest(`error decoding ${yaml ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, err.code, err.toStatus());
}

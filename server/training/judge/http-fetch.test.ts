import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFetch } from './http-fetch';

let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/empty') return res.writeHead(204).end();
      if (req.url?.startsWith('/slow')) return void setTimeout(() => res.end('late'), 2_000).unref();
      if (req.url === '/v1/chat/completions') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_1' });
        return res.end(JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: body }, finish_reason: 'stop' }] }));
      }
      res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
      res.end(JSON.stringify({ method: req.method, url: req.url, auth: req.headers.authorization ?? null, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('httpFetch (the judge client’s fetch)', () => {
  it('sends method, headers and body and answers with status, headers and body', async () => {
    const res = await httpFetch(`${base}/echo?x=1`, { method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(res.status).toBe(201);
    expect(res.ok).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await res.json()).toEqual({ method: 'POST', url: '/echo?x=1', auth: 'Bearer k', body: '{"a":1}' });
  });

  it('gives a body-less status an empty body', async () => {
    const res = await httpFetch(new URL(`${base}/empty`));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('ends with an AbortError when its signal aborts', async () => {
    await expect(httpFetch(`${base}/slow`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses what it cannot send instead of sending something else', async () => {
    await expect(httpFetch('ftp://example.invalid/x')).rejects.toThrow(/unsupported protocol/);
    await expect(httpFetch(`${base}/echo`, { method: 'POST', body: new URLSearchParams({ a: '1' }) })).rejects.toThrow(/string or byte bodies/);
  });

  it('serves the OpenAI client: answers, timeouts and refused connections become the SDK’s own errors', async () => {
    const client = new OpenAI({ apiKey: 'k', baseURL: `${base}/v1`, maxRetries: 0, timeout: 1_000, fetch: httpFetch });
    const completion = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(JSON.parse(completion.choices[0].message.content!)).toMatchObject({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });

    const slow = new OpenAI({ apiKey: 'k', baseURL: `${base}/slow`, maxRetries: 0, timeout: 50, fetch: httpFetch });
    await expect(slow.chat.completions.create({ model: 'm', messages: [] })).rejects.toBeInstanceOf(APIConnectionTimeoutError);

    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = new OpenAI({ apiKey: 'k', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0, timeout: 1_000, fetch: httpFetch });
    await expect(refused.chat.completions.create({ model: 'm', messages: [] })).rejects.toBeInstanceOf(APIConnectionError);
  });
});

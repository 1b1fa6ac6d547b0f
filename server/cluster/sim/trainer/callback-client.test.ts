import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../clock';
import { CallbackClient } from './callback-client';

/** A loopback endpoint that records each request's events (the trainer-events contract's two shapes). */
async function recorder(status = 202) {
  const requests: { authorization?: string; events: { step: number }[] }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { events?: { step: number }[] } & { step: number };
      requests.push({ authorization: req.headers.authorization, events: parsed.events ?? [parsed] });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, requests, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/trainer/events` };
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe('the simulated trainer’s callback client', () => {
  it('batches a fast training loop’s reports into a few requests, in order, and delivers every event', async () => {
    const r = await recorder();
    server = r.server;
    const client = new CallbackClient(r.url, 'token-1', new SimClock(1), 3, new AbortController().signal);
    // 100 reports, one every millisecond (a run in fast mode): one request each would be 100 requests.
    for (let step = 0; step < 100; step++) {
      client.send({ type: 'progress', progress: step / 100, step });
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await client.flush();
    expect(client.delivered).toBe(100);
    expect(r.requests.flatMap((q) => q.events.map((e) => e.step))).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // At least 50 ms apart: about 100–200 ms of reporting (timers are coarse under load) in a handful of requests.
    expect(r.requests.length).toBeGreaterThan(1);
    expect(r.requests.length).toBeLessThanOrEqual(8);
    expect(r.requests.every((q) => q.authorization === 'Bearer token-1')).toBe(true);
  });

  it('sends a lone report at once, without waiting for a batch', async () => {
    const r = await recorder();
    server = r.server;
    const client = new CallbackClient(r.url, undefined, new SimClock(1), 3, new AbortController().signal);
    const started = performance.now();
    client.send({ type: 'progress', progress: 0.5, step: 5 });
    await client.flush();
    expect(performance.now() - started).toBeLessThan(45);
    expect(r.requests).toEqual([{ authorization: undefined, events: [{ type: 'progress', progress: 0.5, step: 5 }] }]);
  });

  it('drops a batch the endpoint refuses with a 4xx instead of retrying it', async () => {
    const r = await recorder(403);
    server = r.server;
    const client = new CallbackClient(r.url, 'expired', new SimClock(1), 3, new AbortController().signal);
    client.send({ type: 'progress', progress: 1, step: 10 });
    await client.flush();
    expect(r.requests).toHaveLength(1);
    expect(client.dropped).toBe(1);
    expect(client.delivered).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { handleRestRequest } from './handle';
import { RawReply } from './raw-reply';
import { defineRoute } from './route';
import { RestRouter } from './router';

/** Public routes (scope null), so no database is involved: only the adapters are under test. */
function routerWith(reply: () => RawReply) {
  return new RestRouter([defineRoute({ method: 'GET', path: '/raw', tag: 'test', scope: null, summary: 'raw', handler: async () => reply() })]);
}

describe('RawReply through the web adapter (Next route handlers)', () => {
  it('passes bytes through with their status and headers, adding the request id', async () => {
    const router = routerWith(() => new RawReply(201, { 'content-type': 'text/plain', 'x-neuroweaver-variant': 'b' }, Buffer.from('hello')));
    const res = await handleRestRequest(router, new Request('http://x/api/v1/raw', { headers: { 'x-request-id': 'req-1' } }), '/raw');
    expect(res.status).toBe(201);
    expect(res.headers.get('x-neuroweaver-variant')).toBe('b');
    expect(res.headers.get('x-request-id')).toBe('req-1');
    expect(await res.text()).toBe('hello');
  });

  it('streams chunk by chunk, and a client that cancels stops the producer and calls onClose', async () => {
    let produced = 0;
    let closed = false;
    let finished = false;
    async function* events() {
      try {
        for (let i = 0; i < 1000; i++) {
          produced++;
          yield Buffer.from(`data: ${i}\n\n`);
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      } finally {
        finished = true;
      }
    }
    const router = routerWith(() => new RawReply(200, { 'content-type': 'text/event-stream' }, events(), () => (closed = true)));
    const res = await handleRestRequest(router, new Request('http://x/api/v1/raw'), '/raw');
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe('data: 0\n\n');
    await reader.read();
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(true);
    expect(finished).toBe(true);
    expect(produced).toBeLessThan(10);
  });
});

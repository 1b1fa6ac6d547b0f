import { describe, expect, it } from 'vitest';
import type { HttpMethod, RestRoute } from './route';
import { RestRouter } from './router';

const route = (method: HttpMethod, path: string): RestRoute => ({ method, path, summary: path, tag: 't', scope: null, handler: async () => null });

const routes = [
  route('GET', '/models/{model_id}'),
  route('GET', '/models/compare'),
  route('POST', '/models'),
  route('GET', '/models'),
  route('DELETE', '/models/{model_id}'),
  route('GET', '/ab-tests/{test_id}/assign'),
  route('POST', '/ab-tests/{test_id}/events'),
  route('GET', '/health'),
];
const router = new RestRouter(routes);
const matched = (method: string, path: string) => {
  const m = router.match(method, path);
  return m && 'route' in m ? `${m.route.method} ${m.route.path} ${JSON.stringify(m.params)}` : m;
};

describe('RestRouter', () => {
  it('matches literals before parameters, whatever the order of definition', () => {
    expect(matched('GET', '/models/compare')).toBe('GET /models/compare {}');
    expect(matched('GET', '/models/tone')).toBe('GET /models/{model_id} {"model_id":"tone"}');
  });

  it('takes parameters as whole segments, decoded, and keeps a malformed encoding as sent', () => {
    expect(matched('GET', '/ab-tests/a%20b/assign')).toBe('GET /ab-tests/{test_id}/assign {"test_id":"a b"}');
    expect(matched('GET', '/ab-tests/%E0%A4%A/assign')).toBe('GET /ab-tests/{test_id}/assign {"test_id":"%E0%A4%A"}');
    expect(matched('GET', '/ab-tests//assign')).toBeNull();
    expect(matched('GET', '/ab-tests/x/y/assign')).toBeNull();
  });

  it('accepts one trailing slash and nothing else around the template', () => {
    expect(matched('GET', '/health/')).toBe('GET /health {}');
    expect(matched('GET', '/healthz')).toBeNull();
    expect(matched('GET', '/health/x')).toBeNull();
    expect(matched('GET', '/')).toBeNull();
  });

  it('answers which methods a path allows when the method does not match (405)', () => {
    expect(router.match('PUT', '/models/tone')).toEqual({ allowed: ['GET', 'DELETE'] });
    expect(router.match('PATCH', '/models')).toEqual({ allowed: ['POST', 'GET'] });
    expect(matched('DELETE', '/models/tone')).toBe('DELETE /models/{model_id} {"model_id":"tone"}');
  });

  it('refuses a template with a parameter inside a segment', () => {
    expect(() => new RestRouter([route('GET', '/files/{name}.json')])).toThrow(/whole segment/);
  });

  it('routes every real template to itself', async () => {
    const { restRoutes } = await import('./routes');
    const real = new RestRouter(restRoutes);
    for (const r of restRoutes) {
      const path = r.path.replace(/\{(\w+)\}/g, (_m, name: string) => `value-of-${name}`);
      const m = real.match(r.method, path);
      expect(m && 'route' in m ? m.route : m, `${r.method} ${r.path}`).toBe(r);
    }
  });
});

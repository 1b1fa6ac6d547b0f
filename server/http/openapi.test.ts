import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi';
import { restRoutes } from './routes';

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument(restRoutes) as unknown as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown[]; responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };

  it('lists every REST route with its method, generated from the route table', () => {
    expect(doc.openapi).toMatch(/^3\./);
    for (const route of restRoutes) {
      const op = doc.paths[`/api/v1${route.path}`]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(Object.keys(op.responses)).toContain(String(route.successStatus ?? 200));
      if (route.body) expect(op.requestBody).toBeDefined();
      if (route.scope) expect(op.security).toEqual([{ apiKey: [] }]);
    }
  });

  it('derives request bodies from the zod schemas the routes validate with', () => {
    const create = doc.paths['/api/v1/models/{model_id}/versions'].post as unknown as { requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown>; required: string[] } } } } };
    const schema = create.requestBody.content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'parent', 'artifactUri', 'artifactSha256', 'config', 'metrics', 'metricDirections', 'tags', 'notes']));
    expect(schema.required).toContain('version');
    expect(doc.components.schemas).toHaveProperty('ModelVersion');
    expect(doc.components.schemas).toHaveProperty('Error');
  });
});

import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { rolesWith } from '@/server/auth/access';
import pkg from '@/package.json';
import type { RestRoute } from './route';

const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'validation_failed' }),
      message: z.string().meta({ example: 'version: must be a valid semantic version such as 1.2.0 or 1.3.0-rc.1' }),
      field: z.string().optional().meta({ example: 'version' }),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });

const errorResponses = (route: RestRoute) => {
  const out: Record<string, { description: string; content: { 'application/json': { schema: typeof errorSchema } } }> = {};
  const add = (status: number, description: string) => {
    out[status] = { description, content: { 'application/json': { schema: errorSchema } } };
  };
  if (route.body) {
    add(400, 'Malformed JSON or wrong content type');
    add(413, 'Body larger than 1 MiB');
  }
  if (route.rawBody) {
    add(400, 'Wrong content type or malformed multipart body');
    add(413, `Body larger than ${route.rawBody.maxBytes} bytes`);
  }
  if (route.scope) {
    add(401, 'Missing, unknown or revoked credentials');
    add(403, `Role may not do this (allowed: ${rolesWith(route.scope).join(', ')})`);
  }
  if (route.params) add(404, 'A referenced object does not exist');
  if (route.method !== 'GET') add(409, 'Conflicts with current state (already exists, already decided, concurrent change)');
  add(422, 'Validation failed; `field` names the offending field');
  return out;
};

/** The OpenAPI 3 document for every route in the table, generated from the routes' own zod schemas. */
export function buildOpenApiDocument(routes: RestRoute[]) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'API key: `Authorization: Bearer nw_…`' });
  for (const route of routes) {
    const successStatus = route.successStatus ?? 200;
    registry.registerPath({
      method: route.method.toLowerCase() as 'get',
      path: `/api/v1${route.path}`,
      summary: route.summary,
      tags: [route.tag],
      description: route.scope ? `Requires \`${route.scope}\` (roles: ${rolesWith(route.scope).join(', ')}).` : 'Public.',
      security: route.scope ? [{ apiKey: [] }] : [],
      request: {
        ...(route.params ? { params: route.params as z.ZodObject } : {}),
        ...(route.query ? { query: route.query as z.ZodObject } : {}),
        ...(route.body ? { body: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
        ...(route.rawBody
          ? { body: { description: route.rawBody.description, content: Object.fromEntries(route.rawBody.contentTypes.map((t) => [t, { schema: z.string().meta({ format: 'binary' }) }])) } }
          : {}),
      },
      responses: {
        [successStatus]: route.response
          ? { description: 'Success', content: { 'application/json': { schema: route.response } } }
          : { description: 'Success' },
        ...errorResponses(route),
      },
    });
  }
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: { title: 'NeuroWeaver API', version: pkg.version, description: 'Machine API of NeuroWeaver. JSON in camelCase; errors as {"error": {code, message, field}}.' },
    servers: [{ url: '/' }],
  });
}

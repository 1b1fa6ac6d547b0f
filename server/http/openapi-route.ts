import { z } from 'zod';
import { buildOpenApiDocument } from './openapi';
import { defineRoute, type RestRoute } from './route';

let cached: unknown;

export const openApiRoutes: RestRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/openapi.json',
    tag: 'Meta',
    scope: null,
    summary: 'This OpenAPI 3 document, generated from the routes’ zod schemas',
    response: z.record(z.string(), z.unknown()),
    handler: async () => {
      // Imported lazily: the route table includes this route.
      const { restRoutes } = await import('./routes');
      cached ??= buildOpenApiDocument(restRoutes);
      return cached;
    },
  }),
];

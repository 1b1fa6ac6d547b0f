import { defineRoute, type RestRoute } from '@/server/http/route';
import { healthSchema, systemStatusSchema } from './schemas';
import { getHealth, getSystemStatus } from './service';

export const systemRoutes: RestRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/health',
    summary: 'Liveness: the web process is up (no dependency is checked)',
    tag: 'System',
    scope: null,
    response: healthSchema,
    handler: async () => getHealth(),
  }),
  defineRoute({
    method: 'GET',
    path: '/system/status',
    summary: 'Web process, workers, queue depths, database and Redis',
    tag: 'System',
    scope: 'system:read',
    response: systemStatusSchema,
    handler: () => getSystemStatus(),
  }),
];

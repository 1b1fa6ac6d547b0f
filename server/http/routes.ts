import { abRoutes } from '@/server/ab/rest';
import { clusterRoutes } from '@/server/cluster/rest';
import { deploymentRoutes } from '@/server/deployments/rest';
import { registryRoutes } from '@/server/registry/rest';
import { systemRoutes } from '@/server/system/rest';
import { trainingDatasetRoutes } from '@/server/training/dataset/rest';
import { trainingRoutes } from '@/server/training/rest';
import { openApiRoutes } from './openapi-route';
import type { RestRoute } from './route';
import { RestRouter } from './router';

/** Every REST route under /api/v1. A route missing here is missing from the OpenAPI document too. */
export const restRoutes: RestRoute[] = [...openApiRoutes, ...systemRoutes, ...registryRoutes, ...abRoutes, ...clusterRoutes, ...deploymentRoutes, ...trainingRoutes, ...trainingDatasetRoutes];

export const restRouter = new RestRouter(restRoutes);

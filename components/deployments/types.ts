import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type Out = inferRouterOutputs<AppRouter>['deployments'];
export type DeploymentSummary = Out['list'][number];
export type DeploymentDetail = Out['get'];
export type HealthPoint = Out['health'][number];
export type DeploymentRequest = Out['listRequests'][number];

/** Polling period of the live views: updates reach the page within 2 s. */
export const LIVE_REFRESH_MS = 1_000;

export const deploymentHref = (id: string) => `/deployments/${id}`;

import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type AbOutputs = inferRouterOutputs<AppRouter>['ab'];
export type AbTest = AbOutputs['get'];
export type AbResults = AbOutputs['results'];
export type AbMetricResult = AbResults['metrics'][number];
export type AbComparison = AbMetricResult['comparisons'][number];
export type LiftPoint = AbOutputs['liftHistory'][number];

export const testHref = (id: string) => `/ab-tests/${encodeURIComponent(id)}`;

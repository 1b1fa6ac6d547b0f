import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type Out = inferRouterOutputs<AppRouter>['training'];
export type PipelineStatus = Out['status'];
export type PipelineSummary = Out['list']['items'][number];
export type StageStatus = PipelineStatus['stages'][number];
export type MetricPoint = Out['metrics']['points'][number];
export type LogLine = Out['logs']['lines'][number];

export const pipelineHref = (id: string) => `/training/${id}`;
export const isActive = (status: string) => status === 'running' || status === 'queued';

import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type Out = inferRouterOutputs<AppRouter>['registry'];
type In = inferRouterInputs<AppRouter>['registry'];

/** Client-side shapes of the registry procedures (dates arrive as Date through superjson). */
export type ModelSummary = Out['listModels']['items'][number];
export type ModelDetail = Out['getModel'];
export type Version = Out['listVersions']['items'][number];
export type VersionDetail = Out['getVersion'];
export type HistoryEvent = Out['history'][number];
export type HistoryKind = HistoryEvent['kind'];
export type Comparison = Out['compare'];
export type Approval = Out['listApprovals'][number];
export type ApprovalStatus = Approval['status'];
export type VersionStatus = Version['status'];

export type CreateVersionData = In['createVersion']['data'];
export type BumpVersionData = In['bumpVersion']['data'];
export type BumpLevel = BumpVersionData['level'];

export const bumpLevels: readonly BumpLevel[] = ['major', 'minor', 'patch', 'prerelease'];

/** `/models/<slug>` and friends, with each segment encoded (versions may carry `+build`). */
export const modelHref = (slug: string) => `/models/${encodeURIComponent(slug)}`;
export const versionHref = (slug: string, version: string) => `${modelHref(slug)}/versions/${encodeURIComponent(version)}`;
export function compareHref(opts: { model: string; a?: string | null; b?: string | null; modelB?: string | null }): string {
  const qs = new URLSearchParams({ model: opts.model });
  if (opts.a) qs.set('a', opts.a);
  if (opts.b) qs.set('b', opts.b);
  if (opts.modelB && opts.modelB !== opts.model) qs.set('modelB', opts.modelB);
  return `/models/compare?${qs.toString()}`;
}

/** A route segment as text: decoded once, left alone if it is not valid percent-encoding. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

import type { z } from 'zod';
import type { Scope } from '@/server/auth/access';
import type { RequestMeta } from '@/server/auth/actor';
import type { RestRequest } from './handle';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type Schema = z.ZodType;
type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  meta: RequestMeta;
  request: RestRequest;
}

/**
 * One REST endpoint under /api/v1: the same definition drives request validation, authorization,
 * the handler, and the OpenAPI document (server/http/openapi.ts), so the three never drift apart.
 */
export interface RestRoute<P extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, B extends Schema | undefined = Schema | undefined> {
  method: HttpMethod;
  /** OpenAPI-style template relative to /api/v1, e.g. "/models/{model_id}/versions". */
  path: string;
  summary: string;
  tag: string;
  /** `null` marks a public route (the OpenAPI document itself). */
  scope: Scope | null;
  params?: P;
  query?: Q;
  body?: B;
  response?: Schema;
  /**
   * A route that streams its body itself (`request.readStream()`, uploads) instead of a JSON `body`: documents
   * the accepted content types and the size limit in the OpenAPI document.
   */
  rawBody?: { contentTypes: string[]; description: string; maxBytes: number };
  /** Largest accepted body in bytes (default MAX_BODY_BYTES, 1 MiB); bulk ingestion routes raise it. */
  maxBodyBytes?: number;
  /** Status of a successful answer (default 200). */
  successStatus?: 200 | 201 | 202 | 204;
  handler: (ctx: RouteContext<Infer<P>, Infer<Q>, Infer<B>>) => Promise<unknown>;
}

/** Keeps the handler's argument types tied to the schemas given. */
export function defineRoute<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  route: RestRoute<P, Q, B>,
): RestRoute {
  return route as unknown as RestRoute;
}

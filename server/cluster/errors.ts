import { DomainError } from '@/server/errors';

/*
 * What the cluster answered, as domain errors: a 4xx from the Kubernetes API becomes a 4xx of ours
 * (never a 500), with the API server's own message. Only an unreachable or failing cluster (network
 * error, 5xx) is an internal error.
 */

/** Kubernetes `Status` cause (`details.causes[]`). */
export interface ClusterErrorCause {
  field?: string;
  message?: string;
  reason?: string;
}

/** The object (or its namespace) does not exist: HTTP 404. */
export class ClusterNotFoundError extends DomainError {
  readonly status = 404;
  readonly code = 'cluster_not_found';
}

/** Already exists, or a resourceVersion/field-ownership conflict: HTTP 409. */
export class ClusterConflictError extends DomainError {
  readonly status = 409;
  readonly code = 'cluster_conflict';
}

/** The cluster refused the object as invalid (HTTP 422, or 400 for a malformed request); `causes` name the fields. */
export class ClusterInvalidError extends DomainError {
  readonly status = 422;
  readonly code = 'cluster_invalid';
  constructor(
    message: string,
    readonly causes: ClusterErrorCause[] = [],
  ) {
    super(message, causes.find((c) => c.field)?.field);
  }
}

/** The kind (apiVersion + kind) is not served by this cluster, e.g. a CRD that is not installed. */
export class ClusterKindUnavailableError extends DomainError {
  readonly status = 422;
  readonly code = 'cluster_kind_unavailable';
}

/** NeuroWeaver's cluster identity may not do this (RBAC), or its credentials were refused: HTTP 401/403. */
export class ClusterForbiddenError extends DomainError {
  readonly status = 403;
  readonly code = 'cluster_forbidden';
}

/** The API server is throttling us: HTTP 429. */
export class ClusterTooManyRequestsError extends DomainError {
  readonly status = 429;
  readonly code = 'cluster_throttled';
}

/** Any other 4xx from the cluster. */
export class ClusterRequestError extends DomainError {
  readonly status = 400;
  readonly code = 'cluster_bad_request';
}

/** The cluster could not be reached or failed (network error, 5xx). An internal error: logged, answered 500. */
export class ClusterUnavailableError extends Error {
  override name = 'ClusterUnavailableError';
  constructor(
    message: string,
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A watch's resourceVersion is older than the server keeps (HTTP 410 Gone): the watcher re-lists. */
export class ClusterGoneError extends Error {
  override name = 'ClusterGoneError';
}

export type ClusterError =
  | ClusterNotFoundError
  | ClusterConflictError
  | ClusterInvalidError
  | ClusterKindUnavailableError
  | ClusterForbiddenError
  | ClusterTooManyRequestsError
  | ClusterRequestError
  | ClusterUnavailableError
  | ClusterGoneError;

interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: ClusterErrorCause[] };
}

function parseStatus(body: unknown): StatusBody {
  if (body && typeof body === 'object') return body as StatusBody;
  if (typeof body === 'string' && body.trim().startsWith('{')) {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return {};
    }
  }
  return typeof body === 'string' && body.trim() ? { message: body.trim().slice(0, 500) } : {};
}

/** Maps an HTTP status and the API server's body (a `Status`, as text or parsed) to one of the errors above. */
export function clusterErrorFromResponse(httpStatus: number, body: unknown, what?: string): ClusterError {
  const status = parseStatus(body);
  const message = status.message || `${what ? `${what}: ` : ''}the cluster answered HTTP ${httpStatus}${status.reason ? ` (${status.reason})` : ''}`;
  switch (httpStatus) {
    case 404:
      return new ClusterNotFoundError(message);
    case 409:
      return new ClusterConflictError(message);
    case 400:
    case 422:
      return new ClusterInvalidError(message, status.details?.causes ?? []);
    case 401:
    case 403:
      return new ClusterForbiddenError(message);
    case 410:
      return new ClusterGoneError(message);
    case 429:
      return new ClusterTooManyRequestsError(message);
    default:
      if (httpStatus >= 400 && httpStatus < 500) return new ClusterRequestError(message);
      return new ClusterUnavailableError(message, httpStatus);
  }
}

/** Whether `error` is one of ours (anything else from the client is wrapped as ClusterUnavailableError). */
export function isClusterError(error: unknown): error is ClusterError {
  return (
    error instanceof ClusterNotFoundError ||
    error instanceof ClusterConflictError ||
    error instanceof ClusterInvalidError ||
    error instanceof ClusterKindUnavailableError ||
    error instanceof ClusterForbiddenError ||
    error instanceof ClusterTooManyRequestsError ||
    error instanceof ClusterRequestError ||
    error instanceof ClusterUnavailableError ||
    error instanceof ClusterGoneError
  );
}

import type { ResourceType } from '../resources';

export type StatusReason =
  | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'Gone' | 'Expired' | 'BadRequest'
  | 'Unauthorized' | 'Forbidden' | 'MethodNotAllowed' | 'UnsupportedMediaType' | 'NotAcceptable' | 'RequestEntityTooLarge' | 'InternalError';

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
}

/** A failure answered as a `Status` object with the HTTP code the real API server uses. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `deployments.apps`, `pods`: how messages name a resource. */
export function qualifiedResource(rt: Pick<ResourceType, 'group' | 'resource'>): string {
  return rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
}

function details(rt: ResourceType, name?: string): StatusDetails {
  return { ...(name !== undefined ? { name } : {}), ...(rt.group ? { group: rt.group } : {}), kind: rt.resource };
}

export const errors = {
  notFound: (rt: ResourceType, name: string) => new ApiError(404, 'NotFound', `${qualifiedResource(rt)} "${name}" not found`, details(rt, name)),
  namespaceNotFound: (name: string) => new ApiError(404, 'NotFound', `namespaces "${name}" not found`, { name, kind: 'namespaces' }),
  noRoute: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}),
  alreadyExists: (rt: ResourceType, name: string) => new ApiError(409, 'AlreadyExists', `${qualifiedResource(rt)} "${name}" already exists`, details(rt, name)),
  conflict: (rt: ResourceType, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(rt)} "${name}": ${why}`, details(rt, name)),
  invalid: (rt: ResourceType, name: string, causes: StatusCause[]) => {
    const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
    const what = `${rt.kind}${rt.group ? `.${rt.group}` : ''} "${name}"`;
    return new ApiError(422, 'Invalid', `${what} is invalid: ${parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`}`, {
      name, ...(rt.group ? { group: rt.group } : {}), kind: rt.kind, causes,
    });
  },
  /** Refused by an admission plugin: `pods "x" is forbidden: <why>`. */
  forbidden: (rt: ResourceType, name: string, why: string) => new ApiError(403, 'Forbidden', `${qualifiedResource(rt)} "${name}" is forbidden: ${why}`, details(rt, name)),
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  expired: (message: string) => new ApiError(410, 'Expired', message),
  unauthorized: () => new ApiError(401, 'Unauthorized', 'Unauthorized'),
  methodNotAllowed: (method: string) => new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`),
  unsupportedMediaType: (type: string) => new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${type || 'none'})`),
  tooLarge: () => new ApiError(413, 'RequestEntityTooLarge', 'the request is too large'),
};

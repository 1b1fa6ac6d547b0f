/**
 * Domain errors. Services throw these; the tRPC middleware and the REST layer map them to codes and
 * HTTP statuses in one place (server/http/errors-to-http.ts and server/api/trpc.ts). Anything else is
 * an internal error: logged with its stack, answered as a bare 500 without details.
 */
export abstract class DomainError extends Error {
  abstract readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 502 | 503;
  abstract readonly code: string;
  constructor(
    message: string,
    /** The request field at fault, as a dotted path (e.g. "variants.1.weight"). */
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request could not be read at all: malformed JSON, wrong content type. */
export class BadRequestError extends DomainError {
  readonly status = 400;
  readonly code = 'bad_request';
}

/** No credentials, or credentials that do not identify anyone (unknown, revoked or expired key). */
export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly code = 'unauthorized';
}

/** The caller is known but their role may not do this, or a four-eyes rule forbids it. */
export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly code = 'forbidden';
}

/** A named thing (model, version, approval…) does not exist. */
export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly code = 'not_found';
}

/** The request clashes with current state: already exists, already decided, lost a race. */
export class ConflictError extends DomainError {
  readonly status = 409;
  readonly code = 'conflict';
}

/** The body was over the size limit. */
export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
  readonly code = 'payload_too_large';
}

/** A service we forward to answered with something unusable, or could not be reached. */
export class BadGatewayError extends DomainError {
  readonly status = 502;
  readonly code = 'bad_gateway';
}

/** What the request needs is not running right now (e.g. an A/B variant whose version is not deployed). */
export class ServiceUnavailableError extends DomainError {
  readonly status = 503;
  readonly code = 'service_unavailable';
}

/** Well-formed input that fails validation or a business rule (invalid semver, rollback to an archived version). */
export class ValidationError extends DomainError {
  readonly status = 422;
  readonly code = 'validation_failed';
}

/** Postgres unique violation → the constraint name, so services can turn it into a ConflictError. */
export function uniqueViolation(error: unknown): string | null {
  const e = error as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const pg = e?.code === '23505' ? e : e?.cause?.code === '23505' ? e.cause : null;
  return pg ? (pg.constraint ?? 'unique') : null;
}

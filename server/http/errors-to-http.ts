import { z } from 'zod';
import { DomainError, ValidationError } from '@/server/errors';
import { logger } from '@/server/logger';

export interface ErrorBody {
  error: { code: string; message: string; field?: string; requestId?: string };
}

/** Turns the first zod issue into a ValidationError naming the field, e.g. `metrics.loss: expected number`. */
export function zodToValidationError(error: z.ZodError, prefix?: string): ValidationError {
  const issue = error.issues[0];
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  const message = field ? `${field}: ${issue.message}` : issue.message;
  return new ValidationError(message, field || undefined);
}

/** Maps any thrown value to an HTTP status and body; internal errors are logged and never described. */
export function errorToHttp(error: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (error instanceof z.ZodError) error = zodToValidationError(error);
  if (error instanceof DomainError) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}), requestId } },
    };
  }
  logger.error({ err: error, requestId }, 'internal error');
  return { status: 500, body: { error: { code: 'internal', message: 'Internal error; see the server log for this request id', requestId } } };
}

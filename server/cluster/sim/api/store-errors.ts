import type { ResourceType } from '../resources';
import { StoreError } from '../store/errors';
import { ApiError, errors } from './status';

/** Store failures as the Status the real API server would send. */
export function toApiError(rt: ResourceType, err: unknown, name = ''): unknown {
  if (!(err instanceof StoreError)) return err;
  switch (err.reason) {
    case 'NotFound': return errors.notFound(rt, err.details.name ?? name);
    case 'AlreadyExists': return errors.alreadyExists(rt, err.details.name ?? name);
    case 'Conflict': return errors.conflict(rt, err.details.name ?? name, err.message.includes('precondition') ? 'the precondition does not match the stored object' : undefined);
    case 'Expired': return new ApiError(410, 'Expired', err.message);
  }
}

/** Runs a store operation, rethrowing store errors as API errors. */
export function storeCall<T>(rt: ResourceType, name: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toApiError(rt, err, name);
  }
}

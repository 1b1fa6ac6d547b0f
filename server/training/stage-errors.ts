/**
 * Whether a stage's error is worth retrying. An error carrying a 4xx status (a DomainError such as a
 * ValidationError, or a judge API answering 400/401) fails the same way on every attempt, so the stage fails
 * at once as `invalid`; anything else (5xx, network, a bug) gets the queue's retries first.
 */
export function isPermanentStageError(error: unknown): boolean {
  if (!(error instanceof Error) || !('status' in error)) return false;
  const status = (error as { status: unknown }).status;
  return typeof status === 'number' && status < 500;
}

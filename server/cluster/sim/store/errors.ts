/** Errors the store throws; the API layer turns each into the matching Status (404/409/410). */
export type StoreErrorReason = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Expired';

export class StoreError extends Error {
  constructor(
    readonly reason: StoreErrorReason,
    message: string,
    readonly details: { resource: string; name?: string } = { resource: '' },
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

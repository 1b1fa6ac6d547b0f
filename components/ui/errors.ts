import { isTRPCClientError } from '@trpc/client';

/** The message to show for a failed query or mutation (the server already hides internal details). */
export function errorMessage(error: unknown): string {
  if (!error) return '';
  if (isTRPCClientError(error)) return error.message || 'Request failed';
  if (error instanceof Error) {
    if (error.name === 'TypeError' && /fetch/i.test(error.message)) return 'Cannot reach the server. Check your connection and try again.';
    return error.message;
  }
  return String(error);
}

/** The request field a tRPC error blames (server `data.field`, e.g. "email" or "variants.1.weight"). */
export function errorField(error: unknown): string | null {
  if (!isTRPCClientError(error)) return null;
  const field = (error.data as { field?: unknown } | null | undefined)?.field;
  return typeof field === 'string' && field ? field : null;
}

/**
 * Splits a tRPC error into per-field messages for a form: `{ email: 'email: must be an email address' }`
 * becomes `{ email: 'must be an email address' }`; errors not tied to a known field go under `form`.
 */
export function fieldErrors<F extends string>(error: unknown, fields: readonly F[]): Partial<Record<F | 'form', string>> {
  if (!error) return {};
  const message = errorMessage(error);
  const field = errorField(error);
  const match = field ? fields.find((f) => f === field || field.startsWith(`${f}.`)) : undefined;
  if (!match) return { form: message } as Partial<Record<F | 'form', string>>;
  const prefix = `${field}: `;
  const text = message.startsWith(prefix) ? message.slice(prefix.length) : message;
  return { [match]: text } as Partial<Record<F | 'form', string>>;
}

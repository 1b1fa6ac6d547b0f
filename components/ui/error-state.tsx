'use client';

import { httpStatusOf } from '@/components/providers/trpc';
import { errorMessage } from './errors';

export interface ErrorStateProps {
  error: unknown;
  /** Heading; defaults by status ("You don't have access", "Not found", "Something went wrong"). */
  title?: string;
  /** Shows a "Try again" button (pass the query's `refetch`). */
  onRetry?: () => void;
  /** Smaller, inline variant for inside cards and table bodies. */
  compact?: boolean;
}

function defaultTitle(status: number | undefined): string {
  if (status === 403) return "You don't have access to this";
  if (status === 404) return 'Not found';
  if (status === 401) return 'Your session has ended';
  return 'Something went wrong';
}

/** A failed query: the server's message (tRPC errors carry a readable one), and a retry button. */
export function ErrorState({ error, title, onRetry, compact }: ErrorStateProps) {
  const status = httpStatusOf(error);
  return (
    <div className={compact ? 'state state-error state-compact' : 'state state-error'} role="alert">
      <div className="state-title">{title ?? defaultTitle(status)}</div>
      <div className="state-text">{errorMessage(error)}</div>
      {onRetry && status !== 403 && (
        <button type="button" className="btn btn-secondary btn-sm" onClick={() => onRetry()}>
          Try again
        </button>
      )}
    </div>
  );
}

'use client';

import { Button } from './button';
import { formatRelative, useNow } from './time';

/** "Updated 3 s ago" plus a Refresh button, for pages that poll a query. */
export function RefreshControl({ query }: { query: { dataUpdatedAt: number; isFetching: boolean; refetch: () => unknown } }) {
  const now = useNow();
  return (
    <>
      {query.dataUpdatedAt > 0 && (
        <span className="muted small" aria-live="off">
          Updated {formatRelative(query.dataUpdatedAt, now)}
        </span>
      )}
      <Button size="sm" pending={query.isFetching} onClick={() => void query.refetch()}>
        Refresh
      </Button>
    </>
  );
}

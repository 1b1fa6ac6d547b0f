import type { CSSProperties, ReactNode } from 'react';
import { cx } from './cx';
import { EmptyState } from './empty-state';
import { ErrorState } from './error-state';
import { Skeleton } from './skeleton';

export interface Column<T> {
  /** Stable key for React. */
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  align?: 'left' | 'right' | 'center';
  width?: CSSProperties['width'];
  /** Keep on one line (times, ids, versions). */
  nowrap?: boolean;
  /** Monospace (ids, request ids, prefixes). */
  mono?: boolean;
  className?: string;
}

export interface DataTableProps<T> {
  columns: Column<T>[];
  /** Undefined while the first page loads. */
  rows: readonly T[] | undefined;
  rowKey: (row: T) => string | number;
  /** First load: skeleton rows under the real header, so nothing jumps when data arrives. */
  isLoading?: boolean;
  /** A failed query: shown in the table body with its message. */
  error?: unknown;
  onRetry?: () => void;
  /** Shown when rows is an empty array: a title string or a whole <EmptyState>. */
  empty?: ReactNode;
  /** Accessible table name (visually hidden). */
  caption?: string;
  rowClassName?: (row: T) => string | undefined;
  /** Under the table, e.g. a "Load more" button. */
  footer?: ReactNode;
  className?: string;
}

/** A plain, dense, readable table with loading, error and empty states built in. */
export function DataTable<T>({ columns, rows, rowKey, isLoading, error, onRetry, empty = 'Nothing here yet', caption, rowClassName, footer, className }: DataTableProps<T>) {
  const span = columns.length;
  let body: ReactNode;
  if (error && !rows?.length) {
    body = (
      <tr>
        <td colSpan={span} className="table-state">
          <ErrorState error={error} onRetry={onRetry} compact />
        </td>
      </tr>
    );
  } else if (!rows || (isLoading && !rows.length)) {
    body = Array.from({ length: 5 }, (_, i) => (
      <tr key={`skeleton-${i}`} aria-hidden="true">
        {columns.map((c) => (
          <td key={c.key}>
            <Skeleton width={`${55 + ((i * 13 + c.key.length * 7) % 40)}%`} />
          </td>
        ))}
      </tr>
    ));
  } else if (!rows.length) {
    body = (
      <tr>
        <td colSpan={span} className="table-state">
          {typeof empty === 'string' ? <EmptyState title={empty} compact /> : empty}
        </td>
      </tr>
    );
  } else {
    body = rows.map((row) => (
      <tr key={rowKey(row)} className={rowClassName?.(row)}>
        {columns.map((c) => (
          <td key={c.key} className={cx(c.align && `align-${c.align}`, c.nowrap && 'nowrap', c.mono && 'mono', c.className)}>
            {c.cell(row)}
          </td>
        ))}
      </tr>
    ));
  }
  return (
    <div className={cx('table-wrap', className)}>
      <table className="table" aria-busy={isLoading || undefined}>
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" style={c.width !== undefined ? { width: c.width } : undefined} className={cx(c.align && `align-${c.align}`, c.className)}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{body}</tbody>
      </table>
      {error && rows?.length ? (
        <div className="table-footer">
          <ErrorState error={error} onRetry={onRetry} compact />
        </div>
      ) : null}
      {footer && <div className="table-footer">{footer}</div>}
    </div>
  );
}

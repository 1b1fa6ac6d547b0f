import type { CSSProperties } from 'react';
import { cx } from './cx';

export interface SkeletonProps {
  width?: CSSProperties['width'];
  height?: CSSProperties['height'];
  className?: string;
}

/** A grey shimmering block the size of the content that is loading. */
export function Skeleton({ width = '100%', height = '0.9em', className }: SkeletonProps) {
  return <span className={cx('skeleton', className)} style={{ width, height }} aria-hidden="true" />;
}

export interface LoadingStateProps {
  /** Skeleton lines to show. */
  rows?: number;
  /** Screen-reader text. */
  label?: string;
}

/** Placeholder lines while a query's first answer is on its way. */
export function LoadingState({ rows = 4, label = 'Loading…' }: LoadingStateProps) {
  return (
    <div className="loading-state" role="status" aria-live="polite" aria-busy="true">
      <span className="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height="1.1em" width={`${88 - ((i * 17) % 40)}%`} />
      ))}
    </div>
  );
}

import type { ReactNode } from 'react';

export interface EmptyStateProps {
  title: ReactNode;
  description?: ReactNode;
  /** A button or link that fixes the emptiness ("Create the first key"). */
  action?: ReactNode;
  compact?: boolean;
}

export function EmptyState({ title, description, action, compact }: EmptyStateProps) {
  return (
    <div className={compact ? 'state state-empty state-compact' : 'state state-empty'}>
      <div className="state-title">{title}</div>
      {description && <div className="state-text">{description}</div>}
      {action && <div className="state-action">{action}</div>}
    </div>
  );
}

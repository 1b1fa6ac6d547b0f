import type { ReactNode } from 'react';
import { cx } from './cx';

export interface CardProps {
  title?: ReactNode;
  /** Right side of the card header (buttons, a badge, a "refreshing" hint). */
  actions?: ReactNode;
  children: ReactNode;
  /** Tables and lists that run edge to edge: no body padding. */
  flush?: boolean;
  /** Highlight: "warning" or "danger" border and tint (e.g. a secret shown once, a failing worker). */
  tone?: 'default' | 'warning' | 'danger' | 'success';
  className?: string;
  id?: string;
}

export function Card({ title, actions, children, flush, tone = 'default', className, id }: CardProps) {
  return (
    <section className={cx('card', tone !== 'default' && `card-${tone}`, className)} id={id}>
      {(title || actions) && (
        <div className="card-header">
          {title && <h2 className="card-title">{title}</h2>}
          {actions && <div className="card-actions">{actions}</div>}
        </div>
      )}
      <div className={cx('card-body', flush && 'card-body-flush')}>{children}</div>
    </section>
  );
}

import type { ReactNode } from 'react';

/** A labelled figure in a card's metric row (styles `.metric*` in app/globals.css). */
export function Metric({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="metric">
      <div className="metric-label">{label}</div>
      <div className="metric-value">{children}</div>
    </div>
  );
}

import type { ReactNode } from 'react';
import type { Role } from '@/server/auth/access';
import { roleLabels } from '@/components/auth/roles';
import { cx } from './cx';

export type BadgeTone = 'neutral' | 'info' | 'success' | 'warning' | 'danger' | 'accent';

export interface BadgeProps {
  tone?: BadgeTone;
  children: ReactNode;
  title?: string;
  /** Small dot before the text (health, liveness). */
  dot?: boolean;
  /** Monospace text (versions, ids, prefixes). */
  mono?: boolean;
  className?: string;
}

export function Badge({ tone = 'neutral', children, title, dot, mono, className }: BadgeProps) {
  return (
    <span className={cx('badge', `badge-${tone}`, mono && 'badge-mono', className)} title={title}>
      {dot && <span className="badge-dot" aria-hidden="true" />}
      {children}
    </span>
  );
}

/** A semantic version, shown as `v1.2.3` in monospace. Pre-releases get a warning tint. */
export function SemverBadge({ version, title }: { version: string; title?: string }) {
  const text = version.startsWith('v') ? version : `v${version}`;
  const prerelease = /^v?\d+\.\d+\.\d+-/.test(version);
  return (
    <Badge tone={prerelease ? 'warning' : 'accent'} mono title={title ?? (prerelease ? 'Pre-release' : undefined)} className="badge-semver">
      {text}
    </Badge>
  );
}

const roleTone: Record<Role, BadgeTone> = { admin: 'danger', ml_engineer: 'info', product_manager: 'accent', viewer: 'neutral' };

export function RoleBadge({ role }: { role: Role }) {
  return (
    <Badge tone={roleTone[role]} title={`Role: ${role}`}>
      {roleLabels[role]}
    </Badge>
  );
}

/** Reachable / unreachable, alive / down: a dot and a word. */
export function HealthBadge({ ok, okLabel = 'Healthy', badLabel = 'Down', title }: { ok: boolean; okLabel?: string; badLabel?: string; title?: string }) {
  return (
    <Badge tone={ok ? 'success' : 'danger'} dot title={title}>
      {ok ? okLabel : badLabel}
    </Badge>
  );
}

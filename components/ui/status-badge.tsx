import type { ApprovalStatus, VersionStatus } from '@/db/schema/registry';
import { Badge, type BadgeTone } from './badge';

/** Any status word; known ones (model versions, approvals, jobs) get a colour, others stay neutral. */
export type KnownStatus = VersionStatus | ApprovalStatus;

const tones: Record<string, BadgeTone> = {
  // model versions
  registered: 'neutral',
  staging: 'warning',
  production: 'success',
  archived: 'neutral',
  // approvals
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
  expired: 'neutral',
  // jobs and deployments
  queued: 'neutral',
  running: 'info',
  succeeded: 'success',
  completed: 'success',
  failed: 'danger',
  cancelled: 'neutral',
};

const labels: Record<string, string> = { rolled_back: 'rolled back', rollback_requested: 'rollback requested', promotion_requested: 'promotion requested' };

export function StatusBadge({ status, title }: { status: KnownStatus | (string & {}); title?: string }) {
  return (
    <Badge tone={tones[status] ?? 'neutral'} title={title} className={`status-${status}`} dot={status === 'production' || status === 'running'}>
      {labels[status] ?? status.replace(/_/g, ' ')}
    </Badge>
  );
}

'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { cx } from '@/components/ui/cx';
import { formatDateTime, RelativeTime } from '@/components/ui/time';
import styles from './registry.module.css';

export type Decision = 'approve' | 'reject';

/** Who asked for a pending request, and when. */
export function RequestedBy({ by, mine, at }: { by: string; mine: boolean; at: string | Date }) {
  return (
    <div className="small muted">
      Requested by <span className="strong">{by}</span>
      {mine && ' (you)'} · <RelativeTime value={at} /> <span className="sr-only">({formatDateTime(at)})</span>
    </div>
  );
}

/** An admin's decision on a pending request: an optional reason for the audit log, approve or reject. */
export function ApprovalDecision({
  id,
  mine,
  approveLabel = 'Approve',
  pending,
  onDecide,
}: {
  id: string;
  mine: boolean;
  approveLabel?: string;
  pending: Decision | null;
  onDecide: (decision: Decision, reason: string | undefined) => void;
}) {
  const [reason, setReason] = useState('');
  const reasonId = `reason-${id}`;
  const decide = (decision: Decision) => onDecide(decision, reason.trim() || undefined);
  return (
    <div className={styles.decision}>
      <div className={cx('field', styles.decisionReason)}>
        <label className="field-label" htmlFor={reasonId}>
          Reason
        </label>
        <input id={reasonId} className="input" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Optional note for the audit log" maxLength={1000} autoComplete="off" />
      </div>
      <div className="row gap-sm">
        <Button variant="primary" pending={pending === 'approve'} disabled={!!pending} onClick={() => decide('approve')} title={mine ? 'Another admin must approve your own request' : undefined}>
          {approveLabel}
        </Button>
        <Button variant="danger" pending={pending === 'reject'} disabled={!!pending} onClick={() => decide('reject')}>
          Reject
        </Button>
      </div>
    </div>
  );
}

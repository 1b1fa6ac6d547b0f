'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { type KeyboardEvent, useRef, useState } from 'react';
import { useCan, useMe } from '@/components/auth/use-can';
import { useTRPC } from '@/components/providers/trpc';
import { SemverBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { cx } from '@/components/ui/cx';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { errorMessage } from '@/components/ui/errors';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingState } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { RelativeTime } from '@/components/ui/time';
import { ApprovalDecision, type Decision, RequestedBy } from './approval-decision';
import styles from './registry.module.css';
import { type Approval, type ApprovalStatus, modelHref, versionHref } from './types';
import { useRegistryRefresh } from './use-registry-refresh';

const tabs: { status: ApprovalStatus; label: string }[] = [
  { status: 'pending', label: 'Pending' },
  { status: 'approved', label: 'Approved' },
  { status: 'rejected', label: 'Rejected' },
  { status: 'expired', label: 'Expired' },
];

const LIMIT = 100;

/** `/approvals`: pending rollback and production-promotion requests to decide, then the decided ones by outcome. */
export function ApprovalsInbox() {
  const trpc = useTRPC();
  const [tab, setTab] = useState<ApprovalStatus>('pending');
  const pending = useQuery(trpc.registry.listApprovals.queryOptions({ status: 'pending', limit: LIMIT }));
  const decided = useQuery(trpc.registry.listApprovals.queryOptions({ status: tab, limit: LIMIT }, { enabled: tab !== 'pending' }));
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);

  function onTabKey(e: KeyboardEvent<HTMLDivElement>) {
    const i = tabs.findIndex((t) => t.status === tab);
    const next = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i - 1 + tabs.length) % tabs.length : -1;
    if (next < 0) return;
    e.preventDefault();
    setTab(tabs[next].status);
    tabRefs.current[next]?.focus();
  }

  const pendingCount = pending.data?.length;
  return (
    <div className="stack">
      <div className={styles.tabs} role="tablist" aria-label="Approval status" onKeyDown={onTabKey}>
        {tabs.map((t, i) => (
          <button
            key={t.status}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.status}`}
            aria-selected={tab === t.status}
            aria-controls={`panel-${t.status}`}
            tabIndex={tab === t.status ? 0 : -1}
            className={cx(styles.tab, tab === t.status && styles.tabOn)}
            onClick={() => setTab(t.status)}
          >
            {t.label}
            {t.status === 'pending' && pendingCount !== undefined && pendingCount > 0 && (
              <span className={styles.tabCount} aria-label={`${pendingCount} pending`}>
                {pendingCount}
              </span>
            )}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'pending' ? <PendingList query={pending} /> : <DecidedTable status={tab} query={decided} />}
      </div>
    </div>
  );
}

type ApprovalsQuery = { data?: Approval[]; isPending: boolean; error: unknown; refetch: () => unknown };

function PendingList({ query }: { query: ApprovalsQuery }) {
  if (query.isPending) {
    return (
      <Card>
        <LoadingState rows={4} label="Loading approvals…" />
      </Card>
    );
  }
  if (query.error || !query.data) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data.length) {
    return <EmptyState title="Nothing waiting for a decision" description="Rollback requests from the model pages appear here until an admin approves or rejects them." />;
  }
  return (
    <ul className={styles.approvalList} aria-label="Pending approvals">
      {query.data.map((a) => (
        <PendingItem key={a.id} approval={a} />
      ))}
    </ul>
  );
}

function Change({ approval: a }: { approval: Approval }) {
  return (
    <span className={styles.change}>
      {a.fromVersion ? (
        <Link href={versionHref(a.model, a.fromVersion)} className={styles.plainLink}>
          <SemverBadge version={a.fromVersion} />
        </Link>
      ) : (
        <span className="muted">—</span>
      )}
      <span aria-label="to"> → </span>
      <Link href={versionHref(a.model, a.toVersion)} className={styles.plainLink}>
        <SemverBadge version={a.toVersion} />
      </Link>
    </span>
  );
}

function PendingItem({ approval: a }: { approval: Approval }) {
  const trpc = useTRPC();
  const refresh = useRegistryRefresh();
  const canDecide = useCan('approvals:decide');
  const me = useMe().data;
  const approve = useMutation(trpc.registry.approve.mutationOptions({ onSuccess: () => void refresh() }));
  const reject = useMutation(trpc.registry.reject.mutationOptions({ onSuccess: () => void refresh() }));
  const error = approve.error ?? reject.error;
  const mine = !!me && (a.requestedById === me.id || a.requestedById === me.label);
  const titleId = `approval-${a.id}`;

  const decide = (decision: Decision, reason: string | undefined) => {
    approve.reset();
    reject.reset();
    if (decision === 'approve') approve.mutate({ id: a.id, reason });
    else reject.mutate({ id: a.id, reason });
  };

  return (
    <li className={styles.approval} aria-labelledby={titleId}>
      <div className={styles.approvalHead}>
        <div className="cell-stack">
          <span id={titleId} className="strong">
            {a.kind === 'promotion' ? 'Promote' : 'Roll back'} <Link href={modelHref(a.model)}>{a.modelName}</Link> production
          </span>
          <span className="mono muted small">{a.model}</span>
        </div>
        <Change approval={a} />
        <StatusBadge status={a.status} />
      </div>
      <blockquote className={styles.approvalReason}>{a.reason}</blockquote>
      <RequestedBy by={a.requestedBy} mine={mine} at={a.createdAt} />
      {canDecide && <ApprovalDecision id={a.id} mine={mine} pending={approve.isPending ? 'approve' : reject.isPending ? 'reject' : null} onDecide={decide} />}
      {canDecide && mine && !error && <div className="small muted">You asked for this {a.kind === 'promotion' ? 'promotion' : 'rollback'}: another admin has to approve it (you may still reject it).</div>}
      {error && (
        <div className="form-error" role="alert">
          {errorMessage(error)}
        </div>
      )}
      {!canDecide && <div className="small muted">Waiting for an admin to decide.</div>}
    </li>
  );
}

function DecidedTable({ status, query }: { status: ApprovalStatus; query: ApprovalsQuery }) {
  const columns: Column<Approval>[] = [
    {
      key: 'model',
      header: 'Model',
      cell: (a) => (
        <div className="cell-stack">
          <Link href={modelHref(a.model)} className="strong">
            {a.modelName}
          </Link>
          <span className="mono muted small">{a.model}</span>
        </div>
      ),
    },
    { key: 'change', header: 'Production', nowrap: true, cell: (a) => <Change approval={a} /> },
    { key: 'reason', header: 'Reason', cell: (a) => <span className={styles.clamp}>{a.reason}</span> },
    {
      key: 'requested',
      header: 'Requested',
      cell: (a) => (
        <div className="cell-stack">
          <span>{a.requestedBy}</span>
          <RelativeTime value={a.createdAt} className="muted small" />
        </div>
      ),
    },
    { key: 'status', header: 'Outcome', nowrap: true, cell: (a) => <StatusBadge status={a.status} /> },
    {
      key: 'decided',
      header: 'Decided',
      cell: (a) => (
        <div className="cell-stack">
          <span>{a.decidedBy ?? <span className="muted">—</span>}</span>
          <RelativeTime value={a.decidedAt} className="muted small" />
          {a.decisionReason && <span className="small">“{a.decisionReason}”</span>}
        </div>
      ),
    },
  ];
  return (
    <Card flush>
      <DataTable
        caption={`${status} approvals`}
        columns={columns}
        rows={query.data}
        rowKey={(a) => a.id}
        isLoading={query.isPending}
        error={query.error}
        onRetry={() => void query.refetch()}
        empty={<EmptyState compact title={`No ${status} requests`} />}
      />
    </Card>
  );
}

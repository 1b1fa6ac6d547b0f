'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useCan, useMe } from '@/components/auth/use-can';
import { useTRPC } from '@/components/providers/trpc';
import { modelHref } from '@/components/registry/types';
import { SemverBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { errorMessage } from '@/components/ui/errors';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingState } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { formatDateTime, RelativeTime } from '@/components/ui/time';
import styles from '@/components/registry/registry.module.css';
import { type DeploymentRequest, deploymentHref } from './types';

const REFRESH_MS = 5_000;

/** `/approvals`: production deploys asked for by those who may not deploy to production, and the latest decided ones. */
export function DeploymentRequestsInbox() {
  const trpc = useTRPC();
  const pending = useQuery(trpc.deployments.listRequests.queryOptions({ status: 'pending', limit: 100 }, { refetchInterval: REFRESH_MS }));
  const recent = useQuery(trpc.deployments.listRequests.queryOptions({ limit: 10 }, { refetchInterval: REFRESH_MS }));
  const decided = recent.data?.filter((r) => r.status !== 'pending') ?? [];

  return (
    <Card title="Production deploys">
      {pending.isPending ? (
        <LoadingState rows={2} label="Loading deploy requests…" />
      ) : pending.error || !pending.data ? (
        <ErrorState error={pending.error} onRetry={() => void pending.refetch()} />
      ) : pending.data.length === 0 ? (
        <EmptyState title="No production deploy waiting" description="Production deploys requested from the Deployments page appear here until an admin approves (which deploys) or rejects them." />
      ) : (
        <ul className={styles.approvalList} aria-label="Pending production deploys">
          {pending.data.map((r) => (
            <PendingRequest key={r.id} request={r} />
          ))}
        </ul>
      )}
      {decided.length > 0 && (
        <ul className="stack small" aria-label="Recently decided production deploys">
          {decided.map((r) => (
            <li key={r.id} className="row gap-sm">
              <StatusBadge status={r.status} /> <span className="mono">{r.model}</span> <SemverBadge version={r.version} /> requested by {r.requestedBy}
              {r.decidedBy && <> · decided by {r.decidedBy}</>}
              {r.deploymentId && <Link href={deploymentHref(r.deploymentId)}>deployment</Link>}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}


function PendingRequest({ request: r }: { request: DeploymentRequest }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayDecide = useCan('approvals:decide');
  const mayDeployProduction = useCan('deployments:production');
  const canDecide = mayDecide && mayDeployProduction;
  const me = useMe().data;
  const [reason, setReason] = useState('');
  const refresh = () => {
    void queryClient.invalidateQueries(trpc.deployments.listRequests.pathFilter());
    void queryClient.invalidateQueries(trpc.deployments.list.pathFilter());
  };
  const approve = useMutation(trpc.deployments.approveRequest.mutationOptions({ onSuccess: refresh }));
  const reject = useMutation(trpc.deployments.rejectRequest.mutationOptions({ onSuccess: refresh }));
  const error = approve.error ?? reject.error;
  const busy = approve.isPending || reject.isPending;
  const mine = !!me && (r.requestedById === me.id || r.requestedById === me.label);
  const input = r.input as { replicas?: number; resources?: { gpu: number; cpu: string; memory: string } };
  const reasonId = `deploy-reason-${r.id}`;
  const titleId = `deploy-request-${r.id}`;

  const decide = (kind: 'approve' | 'reject') => {
    approve.reset();
    reject.reset();
    const body = { id: r.id, reason: reason.trim() || undefined };
    if (kind === 'approve') approve.mutate(body);
    else reject.mutate(body);
  };

  return (
    <li className={styles.approval} aria-labelledby={titleId}>
      <div className={styles.approvalHead}>
        <div className="cell-stack">
          <span id={titleId} className="strong">
            Deploy <Link href={modelHref(r.model)}>{r.model}</Link> to production
          </span>
          <span className="small muted">
            {input.replicas ?? 1} replica(s) · {input.resources ? `${input.resources.gpu} GPU, ${input.resources.cpu} CPU, ${input.resources.memory}` : 'default resources'}
          </span>
        </div>
        <SemverBadge version={r.version} />
        <StatusBadge status={r.status} />
      </div>
      <blockquote className={styles.approvalReason}>{r.reason}</blockquote>
      <div className="small muted">
        Requested by <span className="strong">{r.requestedBy}</span>
        {mine && ' (you)'} · <RelativeTime value={r.createdAt} /> <span className="sr-only">({formatDateTime(r.createdAt)})</span>
      </div>
      {canDecide ? (
        <div className={styles.decision}>
          <div className={`field ${styles.decisionReason}`}>
            <label className="field-label" htmlFor={reasonId}>
              Reason
            </label>
            <input id={reasonId} className="input" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Optional note for the audit log" maxLength={1000} autoComplete="off" />
          </div>
          <div className="row gap-sm">
            <Button variant="primary" pending={approve.isPending} disabled={busy} onClick={() => decide('approve')} title={mine ? 'Another admin must approve your own request' : undefined}>
              Approve and deploy
            </Button>
            <Button variant="danger" pending={reject.isPending} disabled={busy} onClick={() => decide('reject')}>
              Reject
            </Button>
          </div>
        </div>
      ) : (
        <div className="small muted">Waiting for an admin to decide.</div>
      )}
      {error && (
        <div className="form-error" role="alert">
          {errorMessage(error)}
        </div>
      )}
    </li>
  );
}

'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useCan, useMe } from '@/components/auth/use-can';
import { useTRPC } from '@/components/providers/trpc';
import { ApprovalDecision, type Decision, RequestedBy } from '@/components/registry/approval-decision';
import { modelHref } from '@/components/registry/types';
import { SemverBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { errorMessage } from '@/components/ui/errors';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingState } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
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
  const me = useMe().data;
  const refresh = () => {
    void queryClient.invalidateQueries(trpc.deployments.listRequests.pathFilter());
    void queryClient.invalidateQueries(trpc.deployments.list.pathFilter());
  };
  const approve = useMutation(trpc.deployments.approveRequest.mutationOptions({ onSuccess: refresh }));
  const reject = useMutation(trpc.deployments.rejectRequest.mutationOptions({ onSuccess: refresh }));
  const error = approve.error ?? reject.error;
  const mine = !!me && (r.requestedById === me.id || r.requestedById === me.label);
  const input = r.input as { replicas?: number; resources?: { gpu: number; cpu: string; memory: string } };
  const titleId = `deploy-request-${r.id}`;

  const decide = (decision: Decision, reason: string | undefined) => {
    approve.reset();
    reject.reset();
    if (decision === 'approve') approve.mutate({ id: r.id, reason });
    else reject.mutate({ id: r.id, reason });
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
      <RequestedBy by={r.requestedBy} mine={mine} at={r.createdAt} />
      {mayDecide && mayDeployProduction ? (
        <ApprovalDecision id={r.id} mine={mine} approveLabel="Approve and deploy" pending={approve.isPending ? 'approve' : reject.isPending ? 'reject' : null} onDecide={decide} />
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

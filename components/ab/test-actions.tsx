'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useCan } from '@/components/auth/use-can';
import { useTRPC } from '@/components/providers/trpc';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { errorMessage } from '@/components/ui/errors';
import type { AbResults, AbTest } from './types';

/** Refetch everything about A/B tests after a change (list, test, results, lift history). */
function useAbRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.ab.pathFilter());
}

/** Start / stop for roles holding abTests:manage; nothing at all for the others. */
export function LifecycleActions({ test }: { test: AbTest }) {
  const trpc = useTRPC();
  const canManage = useCan('abTests:manage');
  const refresh = useAbRefresh();
  const start = useMutation(trpc.ab.start.mutationOptions({ onSuccess: () => void refresh() }));
  const stop = useMutation(trpc.ab.stop.mutationOptions({ onSuccess: () => void refresh() }));
  if (!canManage) return null;
  const error = start.error ?? stop.error;
  return (
    <>
      {test.status === 'draft' && (
        <ConfirmButton
          variant="primary"
          pending={start.isPending}
          onConfirm={() => start.mutate({ id: test.id })}
          message="Start the test? Assignment and events open now; the variants and weights can no longer change."
          confirmLabel="Start now"
        >
          Start test
        </ConfirmButton>
      )}
      {test.status === 'running' && (
        <ConfirmButton
          pending={stop.isPending}
          onConfirm={() => stop.mutate({ id: test.id })}
          message="Stop the test? No more units are assigned or counted; the results freeze at their current numbers."
          confirmLabel="Stop test"
        >
          Stop test
        </ConfirmButton>
      )}
      {error && (
        <span className="text-danger small" role="alert">
          {errorMessage(error)}
        </span>
      )}
    </>
  );
}

/**
 * "Ship variant B", shown when the recommendation is `ship` and nothing shipped yet. The confirmation
 * says what happens next: admins move the production alias now; other managers ask an admin.
 */
export function ShipAction({ test, results }: { test: AbTest; results: AbResults }) {
  const trpc = useTRPC();
  const canManage = useCan('abTests:manage');
  const canPromote = useCan('registry:promote-production');
  const refresh = useAbRefresh();
  const ship = useMutation(trpc.ab.ship.mutationOptions({ onSuccess: () => void refresh() }));
  const rec = results.recommendation;
  if (!canManage || test.decision || rec.action !== 'ship' || !rec.variant) return null;
  const version = test.variants.find((v) => v.key === rec.variant)?.version ?? '';
  const message = (
    <>
      {test.status === 'running' ? 'This stops the test and ' : 'This '}
      {canPromote ? (
        <>
          makes version <strong>{version}</strong> the production version of this model right away (the current one steps back to registered).
        </>
      ) : (
        <>
          asks an admin to make version <strong>{version}</strong> the production version: the request waits in Approvals until another admin approves it.
        </>
      )}
    </>
  );
  return (
    <>
      <ConfirmButton variant="primary" size="md" pending={ship.isPending} onConfirm={() => ship.mutate({ id: test.id })} message={message} confirmLabel={canPromote ? 'Ship to production' : 'Request approval'}>
        Ship variant {rec.variant}
      </ConfirmButton>
      {ship.error && (
        <span className="text-danger small" role="alert">
          {errorMessage(ship.error)}
        </span>
      )}
    </>
  );
}

/** The ship decision once taken: what moved, or which approval waits. */
export function DecisionNote({ decision }: { decision: NonNullable<AbTest['decision']> }) {
  const canSeeApprovals = useCan('approvals:read');
  return (
    <div className="notice notice-success" role="status" data-testid="ship-decision">
      {decision.outcome === 'promoted' ? (
        <>
          Shipped: variant <strong>{decision.variant}</strong> (version {decision.version}) is now in production. Decided by {decision.by}.
        </>
      ) : (
        <>
          Ship requested: variant <strong>{decision.variant}</strong> (version {decision.version}) goes to production once an admin approves
          {canSeeApprovals ? (
            <>
              {' '}
              in <Link href="/approvals">Approvals</Link>
            </>
          ) : null}
          . Requested by {decision.by}.
        </>
      )}
    </div>
  );
}


import type { Metadata } from 'next';
import { RequireScope } from '@/components/auth/require-scope';
import { DeploymentRequestsInbox } from '@/components/deployments/deploy-requests';
import { ApprovalsInbox } from '@/components/registry/approvals-inbox';
import { PageHeader } from '@/components/ui/page-header';

export const metadata: Metadata = { title: 'Approvals' };

export default function ApprovalsPage() {
  return (
    <>
      <PageHeader title="Approvals" description="Production rollbacks, promotions and deploys wait here for an admin other than the requester. Approving moves the production alias, or deploys, at once." />
      <RequireScope scope="approvals:read">
        <div className="stack">
          <ApprovalsInbox />
          <DeploymentRequestsInbox />
        </div>
      </RequireScope>
    </>
  );
}

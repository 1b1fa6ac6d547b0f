import type { Metadata } from 'next';
import { RequireScope } from '@/components/auth/require-scope';
import { ApprovalsInbox } from '@/components/registry/approvals-inbox';
import { PageHeader } from '@/components/ui/page-header';

export const metadata: Metadata = { title: 'Approvals' };

export default function ApprovalsPage() {
  return (
    <>
      <PageHeader title="Approvals" description="Production rollbacks wait here for an admin other than the requester. Approving moves the production alias at once." />
      <RequireScope scope="approvals:read">
        <ApprovalsInbox />
      </RequireScope>
    </>
  );
}

import type { Metadata } from 'next';
import { RequireScope } from '@/components/auth/require-scope';
import { DeploymentsList } from '@/components/deployments/deployments-list';

export const metadata: Metadata = { title: 'Deployments' };

export default function DeploymentsPage() {
  return (
    <RequireScope scope="deployments:read">
      <DeploymentsList />
    </RequireScope>
  );
}

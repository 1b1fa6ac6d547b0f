import type { Metadata } from 'next';
import { RequireScope } from '@/components/auth/require-scope';
import { DeploymentDetailView } from '@/components/deployments/deployment-detail';

export const metadata: Metadata = { title: 'Deployment' };

type Params = Promise<{ id: string }>;

export default async function DeploymentPage({ params }: { params: Params }) {
  const { id } = await params;
  return (
    <RequireScope scope="deployments:read">
      <DeploymentDetailView id={id} />
    </RequireScope>
  );
}

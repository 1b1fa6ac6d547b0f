import type { Metadata } from 'next';
import { RequireScope } from '@/components/auth/require-scope';
import { ClusterOverviewView } from '@/components/cluster/cluster-overview';

export const metadata: Metadata = { title: 'Cluster' };

export default function ClusterPage() {
  return (
    <RequireScope scope="cluster:read">
      <ClusterOverviewView />
    </RequireScope>
  );
}

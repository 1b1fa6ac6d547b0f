import { Badge } from '@/components/ui/badge';

/** What the app shell and the Cluster page know about the cluster (server/cluster ClusterIdentity). */
export interface ClusterIdentityView {
  kind: 'real' | 'simulated';
  label: string;
  server: string;
  namespace: string;
}

/**
 * Which cluster NeuroWeaver talks to: "Simulated cluster" for the simulator (accent, never mistaken for
 * a real one), otherwise the kubeconfig context (or "in-cluster"). The server URL is in the title.
 */
export function ClusterIdentityBadge({ identity }: { identity: ClusterIdentityView }) {
  const title = `${identity.kind === 'simulated' ? 'Simulated cluster' : 'Kubernetes cluster'}${identity.server ? ` at ${identity.server}` : ''}, namespace ${identity.namespace}`;
  return identity.kind === 'simulated' ? (
    <Badge tone="accent" dot title={title}>
      Simulated cluster
    </Badge>
  ) : (
    <Badge tone="info" dot mono title={title}>
      {identity.label}
    </Badge>
  );
}

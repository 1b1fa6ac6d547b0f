import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { ClusterIdentityBadge, type ClusterIdentityView } from './cluster-identity-badge';
import styles from './cluster.module.css';

/**
 * The sidebar's cluster line, on every page: which cluster this installation talks to. Links to the
 * Cluster page for roles that may open it.
 */
export function SidebarCluster({ cluster, href }: { cluster: ClusterIdentityView | { error: string }; href?: string }) {
  const content =
    'error' in cluster ? (
      <Badge tone="danger" dot title={cluster.error}>
        Cluster not configured
      </Badge>
    ) : (
      <>
        <ClusterIdentityBadge identity={cluster} />
        {cluster.kind === 'real' && cluster.server && <span className={styles.sidebarServer}>{cluster.server}</span>}
      </>
    );
  return href ? (
    <Link href={href} className={styles.sidebarCluster} title="Open the Cluster page" data-testid="cluster-identity">
      {content}
    </Link>
  ) : (
    <div className={styles.sidebarCluster} data-testid="cluster-identity">
      {content}
    </div>
  );
}

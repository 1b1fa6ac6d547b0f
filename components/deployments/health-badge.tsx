import type { HealthStatus } from '@/db/schema/deployments';
import { Badge, type BadgeTone } from '@/components/ui/badge';

const tone: Record<HealthStatus, BadgeTone> = { healthy: 'success', degraded: 'warning', unhealthy: 'danger', unknown: 'neutral' };

/** healthy / degraded / unhealthy / unknown with the reason as tooltip. */
export function DeploymentHealthBadge({ status, reason }: { status: HealthStatus; reason?: string }) {
  return (
    <Badge tone={tone[status]} dot title={reason} className={`health-${status}`}>
      {status}
    </Badge>
  );
}

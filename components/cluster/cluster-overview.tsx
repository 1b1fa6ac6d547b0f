'use client';

import { useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useCan } from '@/components/auth/use-can';
import { useTRPC } from '@/components/providers/trpc';
import { Badge, HealthBadge } from '@/components/ui/badge';
import { RefreshControl } from '@/components/ui/refresh-control';
import { Card } from '@/components/ui/card';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { errorMessage } from '@/components/ui/errors';
import { formatCount } from '@/components/ui/format';
import { PageHeader } from '@/components/ui/page-header';
import { LoadingState } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { RelativeTime, formatRelative, useNow } from '@/components/ui/time';
import type { AppRouter } from '@/server/api/root';
import { ClusterIdentityBadge } from './cluster-identity-badge';
import styles from './cluster.module.css';
import { SimulatorSettingsCard } from './simulator-settings-form';
import { Metric } from '@/components/ui/metric';

export type ClusterOverview = inferRouterOutputs<AppRouter>['cluster']['overview'];
type Node = ClusterOverview['nodes'][number];
type Job = ClusterOverview['jobs'][number];
type Pod = ClusterOverview['pods'][number];
type ClusterEvent = ClusterOverview['events'][number] & { key: number };

/** Often enough to watch a Job go from Pending to Running to Succeeded on the simulator. */
const REFRESH_MS = 2_000;

export function ClusterOverviewView() {
  const trpc = useTRPC();
  const canManage = useCan('cluster:manage');
  const overview = useQuery(trpc.cluster.overview.queryOptions(undefined, { refetchInterval: REFRESH_MS, staleTime: 0 }));
  const now = useNow();
  const data = overview.data;
  const identity = data?.identity;

  return (
    <>
      <PageHeader
        title="Cluster"
        description={
          identity ? (
            <span className={styles.identity} data-testid="cluster-header-identity">
              <ClusterIdentityBadge identity={identity} />
              {identity.kind === 'real' && <span className="strong">{identity.label}</span>}
              {identity.server && <span className={`mono small ${styles.server}`}>{identity.server}</span>}
              <span className="muted small">
                namespace <span className="mono">{identity.namespace}</span>
              </span>
            </span>
          ) : (
            'Nodes and their GPUs, and the Jobs, pods and events in NeuroWeaver’s namespace. Refreshes every 2 s.'
          )
        }
        actions={<RefreshControl query={overview} />}
      />

      {overview.isPending && <LoadingState rows={6} label="Loading the cluster…" />}
      {overview.isError && !data && <ErrorState title="Could not read the cluster" error={overview.error} onRetry={() => void overview.refetch()} />}
      {overview.isError && data && (
        <div className="notice notice-warning" role="status">
          Could not refresh: {errorMessage(overview.error)}. Showing the answer from {formatRelative(overview.dataUpdatedAt, now)}.
        </div>
      )}

      {data && (
        <div className="stack">
          {data.unreachable ? (
            <ErrorState title="The cluster is unreachable" error={new Error(data.unreachable)} onRetry={() => void overview.refetch()} />
          ) : (
            <>
              <NodesCard nodes={data.nodes} totals={data.totals} />
              <JobsCard jobs={data.jobs} />
              <PodsCard pods={data.pods} />
              <EventsCard events={data.events.map((e, key) => ({ ...e, key }))} />
            </>
          )}
          {canManage && data.identity.kind === 'simulated' && <SimulatorSettingsCard />}
        </div>
      )}
    </>
  );
}

/** "3 of 4 GPUs in use" with a bar; amber when every GPU is taken. */
function GpuUse({ inUse, total }: { inUse: number; total: number }) {
  const share = total > 0 ? Math.min(1, inUse / total) : 0;
  return (
    <div className="cell-stack">
      <span className="small">
        <span className="strong">{inUse}</span> of {total} GPU{total === 1 ? '' : 's'} in use
      </span>
      <span className={styles.bar} role="meter" aria-label="GPUs in use" aria-valuemin={0} aria-valuemax={total} aria-valuenow={inUse}>
        <span className={`${styles.barFill} ${total > 0 && inUse >= total ? styles.barFull : ''}`} style={{ width: `${Math.round(share * 100)}%` }} />
      </span>
    </div>
  );
}

function NodesCard({ nodes, totals }: { nodes: Node[]; totals: ClusterOverview['totals'] }) {
  const ready = nodes.filter((n) => n.ready).length;
  return (
    <Card title="Nodes" actions={nodes.length > 0 ? <Badge tone={ready === nodes.length ? 'success' : 'warning'}>{`${ready} of ${nodes.length} ready`}</Badge> : undefined}>
      {totals.pendingForGpu > 0 && (
        <div className="notice notice-warning" role="status" data-testid="waiting-for-gpu">
          {totals.pendingForGpu === 1 ? '1 pod is' : `${formatCount(totals.pendingForGpu)} pods are`} waiting for GPU: no node has enough free nvidia.com/gpu. They start when capacity frees up.
        </div>
      )}
      <div className="stack">
        <div className="metrics">
          <Metric label="GPUs">{formatCount(totals.gpus)}</Metric>
          <Metric label="In use">{formatCount(totals.gpusInUse)}</Metric>
          <Metric label="Free">{formatCount(Math.max(0, totals.gpus - totals.gpusInUse))}</Metric>
          <Metric label="Pods waiting for GPU">
            <span className={totals.pendingForGpu > 0 ? 'text-danger strong' : undefined}>{formatCount(totals.pendingForGpu)}</span>
          </Metric>
        </div>
        {nodes.length === 0 ? (
          <EmptyState compact title="No nodes" description="The cluster reports no nodes, so nothing can be scheduled." />
        ) : (
          <div className={styles.nodes}>
            {nodes.map((n) => (
              <section className={styles.node} key={n.name} aria-label={`Node ${n.name}`} data-testid="cluster-node">
                <div className={styles.nodeHeader}>
                  <span className={styles.nodeName}>{n.name}</span>
                  <HealthBadge ok={n.ready} okLabel="Ready" badLabel="Not ready" />
                </div>
                {n.gpuCapacity > 0 ? <GpuUse inUse={n.gpuInUse} total={n.gpuAllocatable} /> : <span className="muted small">No GPUs</span>}
                <span className="muted small">
                  {[n.gpuProduct, n.cpu && `${n.cpu} CPU`, n.memory && `${n.memory} memory`].filter(Boolean).join(' · ')}
                </span>
              </section>
            ))}
          </div>
        )}
      </div>
    </Card>
  );
}

function JobsCard({ jobs }: { jobs: Job[] }) {
  const columns: Column<Job>[] = [
    {
      key: 'name',
      header: 'Job',
      cell: (j) => (
        <div className="cell-stack">
          <span className="mono strong">{j.name}</span>
          {(j.stage || j.pipeline) && (
            <span className="muted small">
              {[j.stage && `stage ${j.stage}`, j.pipeline && `pipeline ${j.pipeline}`].filter(Boolean).join(' · ')}
            </span>
          )}
        </div>
      ),
    },
    { key: 'status', header: 'Status', nowrap: true, cell: (j) => <StatusBadge status={j.status.toLowerCase()} /> },
    {
      key: 'failure',
      header: 'Problem',
      cell: (j) => (j.failure ? <span className={j.status === 'Failed' ? 'text-danger small' : 'small'}>{j.failure.message}</span> : <span className="muted">—</span>),
    },
    { key: 'gpus', header: 'GPUs', align: 'right', width: 64, cell: (j) => (j.gpus ? j.gpus : <span className="muted">0</span>) },
    { key: 'age', header: 'Age', nowrap: true, cell: (j) => <RelativeTime value={j.createdAt} /> },
    { key: 'done', header: 'Finished', nowrap: true, cell: (j) => <RelativeTime value={j.completionTime} /> },
  ];
  return (
    <Card title="Jobs" actions={<span className="muted small">{formatCount(jobs.length)}</span>} flush>
      <DataTable
        caption="Jobs"
        columns={columns}
        rows={jobs}
        rowKey={(j) => j.name}
        empty={<EmptyState compact title="No Jobs" description="Training runs appear here once a pipeline stage starts." />}
        rowClassName={(j) => (j.status === 'Failed' ? 'row-danger' : undefined)}
      />
    </Card>
  );
}

function PodsCard({ pods }: { pods: Pod[] }) {
  const columns: Column<Pod>[] = [
    { key: 'name', header: 'Pod', mono: true, cell: (p) => p.name },
    { key: 'phase', header: 'Phase', nowrap: true, cell: (p) => <StatusBadge status={p.phase.toLowerCase()} /> },
    {
      key: 'reason',
      header: 'Reason',
      cell: (p) =>
        p.reason || p.failure ? (
          <div className="cell-stack">
            {p.reason && <span className="mono small">{p.reason}</span>}
            {p.failure && <span className="muted small">{p.failure.message}</span>}
          </div>
        ) : (
          <span className="muted">—</span>
        ),
    },
    { key: 'node', header: 'Node', mono: true, nowrap: true, cell: (p) => p.node ?? <span className="muted">not scheduled</span> },
    { key: 'gpus', header: 'GPUs', align: 'right', width: 64, cell: (p) => p.gpus },
    { key: 'restarts', header: 'Restarts', align: 'right', width: 80, cell: (p) => <span className={p.restarts > 0 ? 'text-danger strong' : undefined}>{p.restarts}</span> },
    { key: 'age', header: 'Age', nowrap: true, cell: (p) => <RelativeTime value={p.createdAt} /> },
  ];
  return (
    <Card title="Pods" actions={<span className="muted small">{formatCount(pods.length)}</span>} flush>
      <DataTable caption="Pods" columns={columns} rows={pods} rowKey={(p) => p.name} empty={<EmptyState compact title="No pods" />} />
    </Card>
  );
}

function EventsCard({ events }: { events: ClusterEvent[] }) {
  const columns: Column<ClusterEvent>[] = [
    { key: 'type', header: 'Type', nowrap: true, cell: (e) => <Badge tone={e.type === 'Warning' ? 'warning' : 'neutral'}>{e.type}</Badge> },
    { key: 'reason', header: 'Reason', nowrap: true, cell: (e) => <span className="strong">{e.reason}</span> },
    {
      key: 'object',
      header: 'Object',
      cell: (e) => (e.objectName ? <span className="mono small">{`${e.objectKind ? `${e.objectKind}/` : ''}${e.objectName}`}</span> : <span className="muted">—</span>),
    },
    { key: 'message', header: 'Message', cell: (e) => <span className="small">{e.message}</span> },
    { key: 'count', header: 'Count', align: 'right', width: 64, cell: (e) => (e.count > 1 ? `×${e.count}` : <span className="muted">1</span>) },
    { key: 'last', header: 'Last seen', nowrap: true, cell: (e) => <RelativeTime value={e.lastTimestamp} /> },
  ];
  return (
    <Card title="Recent events" actions={<span className="muted small">newest first, up to 50</span>} flush>
      <DataTable
        caption="Recent events"
        columns={columns}
        rows={events}
        rowKey={(e) => e.key}
        empty={<EmptyState compact title="No recent events" />}
      />
    </Card>
  );
}

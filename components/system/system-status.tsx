'use client';

import { useQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useTRPC } from '@/components/providers/trpc';
import { Badge, HealthBadge } from '@/components/ui/badge';
import { RefreshControl } from '@/components/ui/refresh-control';
import { Card } from '@/components/ui/card';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { errorMessage } from '@/components/ui/errors';
import { formatCount, formatDuration, formatLatency } from '@/components/ui/format';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton } from '@/components/ui/skeleton';
import { RelativeTime, formatRelative, useNow } from '@/components/ui/time';
import type { AppRouter } from '@/server/api/root';
import { Metric } from '@/components/ui/metric';

type SystemStatus = inferRouterOutputs<AppRouter>['system']['status'];
type Worker = SystemStatus['workers'][number];
type Queue = SystemStatus['queues'][number];

const REFRESH_MS = 5_000;

export function SystemStatusView() {
  const trpc = useTRPC();
  const status = useQuery(
    trpc.system.status.queryOptions(undefined, {
      refetchInterval: REFRESH_MS,
      // Always show the latest answer; a cached one from another page visit is at most 5 s old anyway.
      staleTime: 0,
    }),
  );
  const now = useNow();
  const data = status.data;

  return (
    <>
      <PageHeader
        title="System"
        description="This web process, the workers behind it, their queues, and the database and Redis they need. Refreshes every 5 s."
        actions={<RefreshControl query={status} />}
      />

      {status.isError && !data && <ErrorState error={status.error} onRetry={() => void status.refetch()} />}
      {status.isError && data && (
        <div className="notice notice-warning" role="status">
          Could not refresh: {errorMessage(status.error)}. Showing the answer from {formatRelative(status.dataUpdatedAt, now)}.
        </div>
      )}

      {!status.isError || data ? (
        <div className="stack">
          <div className="grid-3">
            <WebCard web={data?.web} />
            <DependencyCard name="Database" probe={data?.database} />
            <DependencyCard name="Redis" probe={data?.redis} />
          </div>
          <WorkersCard workers={data?.workers} webVersion={data?.web.version} ageMs={data ? now - status.dataUpdatedAt : 0} />
          <QueuesCard queues={data?.queues} />
        </div>
      ) : null}
    </>
  );
}

function WebCard({ web }: { web: SystemStatus['web'] | undefined }) {
  return (
    <Card title="Web" actions={web ? <HealthBadge ok okLabel="Serving" /> : undefined}>
      {web ? (
        <div className="metrics">
          <Metric label="Version">
            <span className="mono">{web.version}</span>
          </Metric>
          <Metric label="Node">
            <span className="mono">{web.node}</span>
          </Metric>
          <Metric label="Uptime">{formatDuration(web.uptimeSeconds)}</Metric>
          <Metric label="PID">
            <span className="mono">{web.pid}</span>
          </Metric>
        </div>
      ) : (
        <MetricsSkeleton />
      )}
    </Card>
  );
}

function DependencyCard({ name, probe }: { name: string; probe: SystemStatus['database'] | undefined }) {
  return (
    <Card title={name} tone={probe && !probe.ok ? 'danger' : 'default'} actions={probe ? <HealthBadge ok={probe.ok} okLabel="Reachable" badLabel="Unreachable" /> : undefined}>
      {probe ? (
        <div className="metrics">
          <Metric label={probe.ok ? 'Latency' : 'Gave up after'}>{formatLatency(probe.latencyMs)}</Metric>
          {probe.error && (
            <div className="metric metric-wide">
              <div className="metric-label">Error</div>
              <div className="metric-value text-danger mono small">{probe.error}</div>
            </div>
          )}
        </div>
      ) : (
        <MetricsSkeleton />
      )}
    </Card>
  );
}

function MetricsSkeleton() {
  return (
    <div className="metrics">
      {[0, 1].map((i) => (
        <div className="metric" key={i}>
          <Skeleton width="50%" height="0.75em" />
          <Skeleton width="80%" height="1.1em" />
        </div>
      ))}
    </div>
  );
}

function WorkersCard({ workers, webVersion, ageMs }: { workers: Worker[] | undefined; webVersion: string | undefined; ageMs: number }) {
  const alive = workers?.filter((w) => w.alive).length ?? 0;
  const problem = workers !== undefined && alive === 0;

  const columns: Column<Worker>[] = [
    {
      key: 'status',
      header: 'Status',
      nowrap: true,
      cell: (w) => <HealthBadge ok={w.alive} okLabel="Alive" badLabel="Stale" title={w.alive ? 'Heartbeat within the last 15 s' : 'No heartbeat for over 15 s'} />,
    },
    {
      key: 'heartbeat',
      header: 'Last heartbeat',
      nowrap: true,
      // The server measured the age when it answered; add the time since, so it keeps counting between refreshes.
      cell: (w) => (
        <span title={new Date(w.at).toISOString()} className={w.alive ? undefined : 'text-danger'}>
          {formatAgo(w.lastHeartbeatAgoMs + Math.max(0, ageMs))}
        </span>
      ),
    },
    { key: 'host', header: 'Host', mono: true, cell: (w) => w.hostname },
    { key: 'pid', header: 'PID', mono: true, align: 'right', cell: (w) => w.pid },
    {
      key: 'version',
      header: 'Version',
      nowrap: true,
      cell: (w) => (
        <span className="row gap-xs">
          <span className="mono">{w.version}</span>
          {webVersion && w.version !== webVersion && (
            <Badge tone="warning" title={`The web process runs ${webVersion}`}>
              differs from web
            </Badge>
          )}
        </span>
      ),
    },
    { key: 'queues', header: 'Queues', cell: (w) => (w.queues.length ? <span className="small">{w.queues.join(', ')}</span> : <span className="muted">none</span>) },
    {
      key: 'processed',
      header: 'Done / failed',
      align: 'right',
      nowrap: true,
      cell: (w) => {
        const totals = Object.values(w.processed ?? {}).reduce((acc, p) => ({ completed: acc.completed + p.completed, failed: acc.failed + p.failed }), { completed: 0, failed: 0 });
        return (
          <span title="Jobs finished since this process started">
            {formatCount(totals.completed)} / <span className={totals.failed ? 'text-danger' : undefined}>{formatCount(totals.failed)}</span>
          </span>
        );
      },
    },
    { key: 'started', header: 'Started', nowrap: true, cell: (w) => <RelativeTime value={w.startedAt} /> },
  ];

  return (
    <Card
      title="Workers"
      tone={problem ? 'danger' : 'default'}
      actions={workers && workers.length > 0 ? <Badge tone={problem ? 'danger' : 'success'}>{`${alive} of ${workers.length} alive`}</Badge> : undefined}
      flush
    >
      {workers !== undefined && workers.length === 0 ? (
        <div className="problem" role="alert">
          <div className="problem-title">No worker heartbeat</div>
          <div className="problem-text">
            No worker process has reported in, so queued jobs (training, evaluation, deployments) will wait and never run. Start one with <code>npm run workers</code>, and check that it reaches the same Redis.
          </div>
        </div>
      ) : (
        <>
          {problem && (
            <div className="problem" role="alert">
              <div className="problem-title">No live worker</div>
              <div className="problem-text">Every known worker has missed its heartbeats; jobs are not being processed.</div>
            </div>
          )}
          <DataTable caption="Workers" columns={columns} rows={workers} rowKey={(w) => `${w.hostname}:${w.pid}`} isLoading={workers === undefined} rowClassName={(w) => (w.alive ? undefined : 'row-danger')} />
        </>
      )}
    </Card>
  );
}

function formatAgo(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s ago`;
  return `${formatDuration(s)} ago`;
}

const countKeys = ['waiting', 'active', 'delayed', 'completed', 'failed', 'paused'] as const;

function QueuesCard({ queues }: { queues: Queue[] | undefined }) {
  const columns: Column<Queue>[] = [
    {
      key: 'name',
      header: 'Queue',
      cell: (q) => (
        <div className="cell-stack">
          <span className="mono strong">{q.name}</span>
          {q.error && <span className="text-danger small">{q.error}</span>}
        </div>
      ),
    },
    ...countKeys.map(
      (k): Column<Queue> => ({
        key: k,
        header: k[0].toUpperCase() + k.slice(1),
        align: 'right',
        width: 96,
        cell: (q) => {
          if (!q.counts) return <span className="muted">—</span>;
          const n = q.counts[k];
          const warn = (k === 'failed' && n > 0) || (k === 'paused' && n > 0);
          return <span className={warn ? 'text-danger strong' : n === 0 ? 'muted' : undefined}>{formatCount(n)}</span>;
        },
      }),
    ),
  ];
  return (
    <Card title="Queues" flush>
      <DataTable
        caption="Queue counts"
        columns={columns}
        rows={queues}
        rowKey={(q) => q.name}
        isLoading={queues === undefined}
        empty={<EmptyState compact title="No queues registered" />}
        rowClassName={(q) => (q.error ? 'row-danger' : undefined)}
      />
    </Card>
  );
}

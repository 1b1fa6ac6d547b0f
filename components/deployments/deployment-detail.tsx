'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { useCan } from '@/components/auth/use-can';
import { useTRPC } from '@/components/providers/trpc';
import { Badge, SemverBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { errorMessage } from '@/components/ui/errors';
import { Field } from '@/components/ui/field';
import { formatLatency } from '@/components/ui/format';
import { PageHeader } from '@/components/ui/page-header';
import { RefreshControl } from '@/components/ui/refresh-control';
import { LoadingState } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { RelativeTime } from '@/components/ui/time';
import styles from './deployments.module.css';
import { HealthCharts } from './health-charts';
import { DeploymentHealthBadge } from './health-badge';
import { type DeploymentDetail, LIVE_REFRESH_MS } from './types';
import { Metric } from '@/components/ui/metric';

type Action = DeploymentDetail['actions'][number];
type Pod = NonNullable<DeploymentDetail['cluster']>['pods'][number];
type ClusterEvent = NonNullable<DeploymentDetail['cluster']>['events'][number] & { key: number };

/** One deployment, live: health, rollout, charts, scale and undeploy, alerts, actions, events, manifests. */
export function DeploymentDetailView({ id }: { id: string }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.deployments.get.queryOptions({ id }, { refetchInterval: LIVE_REFRESH_MS, staleTime: 0 }));
  const series = useQuery(trpc.deployments.health.queryOptions({ id, minutes: 30 }, { refetchInterval: 1_500, staleTime: 0 }));
  const canWrite = useCan('deployments:write');
  const canProduction = useCan('deployments:production');
  const d = detail.data;
  const mayChange = !!d && d.status === 'active' && canWrite && (d.environment !== 'production' || canProduction);

  if (detail.isPending) return <LoadingState rows={6} label="Loading the deployment…" />;
  if (!d) return <ErrorState title="Could not load the deployment" error={detail.error} onRetry={() => void detail.refetch()} />;
  const rollout = d.cluster?.rollout;
  const latest = series.data?.at(-1);

  return (
    <>
      <PageHeader
        eyebrow="Deployment"
        title={`${d.model} · ${d.environment}`}
        description={
          <span className="row gap-sm">
            <SemverBadge version={d.version} />
            <span data-testid="deployment-health">
              <DeploymentHealthBadge status={d.health.status} reason={d.health.reason} />
            </span>
            <span className="muted small" data-testid="deployment-health-reason">
              {d.status === 'removed' ? 'undeployed' : d.status === 'undeploying' ? 'undeploying…' : d.health.reason}
            </span>
          </span>
        }
        actions={<RefreshControl query={detail} />}
      />
      <div className="stack">
        {detail.isError && <div className="notice notice-warning">Could not refresh: {errorMessage(detail.error)}</div>}
        {d.alerts.map((a) => (
          <div key={a.id} className="notice notice-warning" role="alert" data-testid="deployment-alert">
            <strong>Alert:</strong> {a.message} (<RelativeTime value={a.at} />)
          </div>
        ))}

        <Card title="Status" actions={mayChange ? <UndeployButton model={d.model} environment={d.environment} /> : undefined}>
          <div className="stack">
            <div className="metrics">
              <Metric label="Ready replicas">
                <span data-testid="ready-replicas">
                  {rollout ? `${rollout.ready}/${rollout.desired}` : '—'}
                </span>
              </Metric>
              <Metric label="Updated / available">{rollout ? `${rollout.updated} / ${rollout.available}` : '—'}</Metric>
              <Metric label="Serving">
                <span data-testid="serving-version">{rollout?.serving ? <SemverBadge version={rollout.serving} /> : '—'}</span>
              </Metric>
              <Metric label="Restarts">{rollout?.restarts ?? 0}</Metric>
              <Metric label="p95 latency">{formatLatency(latest?.latencyP95Ms ?? null)}</Metric>
              <Metric label="Error rate">{latest?.errorRate == null ? '—' : `${(latest.errorRate * 100).toFixed(1)}%`}</Metric>
            </div>
            {rollout?.inProgress && (
              <div className="cell-stack" data-testid="rollout-progress">
                <span className="small">
                  Rolling out {rollout.rollingOut ? <SemverBadge version={rollout.rollingOut} /> : 'a change'}: {Math.round(rollout.progress * 100)}%
                </span>
                <span className={styles.progress} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(rollout.progress * 100)}>
                  <span className={styles.progressFill} style={{ width: `${Math.round(rollout.progress * 100)}%` }} />
                </span>
              </div>
            )}
            <div className="kv-list small">
              <div className="kv">
                <span className="kv-key">Endpoint</span>
                <span className="kv-value mono">{d.cluster?.endpoint.service ?? '—'}</span>
              </div>
              <div className="kv">
                <span className="kv-key">Objects</span>
                <span className="kv-value mono">
                  {d.namespace}/{d.name}
                </span>
              </div>
              <div className="kv">
                <span className="kv-key">Alert rules</span>
                <span className="kv-value" data-testid="alert-rules">
                  p95 latency &gt; {d.alertThresholds.latencyP95Seconds} s · errors &gt; {Number(d.alertThresholds.errorRate) * 100}% · quality &lt; {d.alertThresholds.minQuality} · GPU cache &gt;{' '}
                  {Number(d.alertThresholds.gpuCacheUsage) * 100}%, CPU &gt; {Number(d.alertThresholds.cpuUtilization) * 100}%, memory &gt; {Number(d.alertThresholds.memoryUtilization) * 100}% of limits (for {d.alertThresholds.for})
                </span>
              </div>
              <div className="kv">
                <span className="kv-key">Recovery</span>
                <span className="kv-value">
                  restart after {d.recovery.restartAfterFailures} unhealthy checks; automatic rollback within {d.recovery.rollbackWindowMinutes} min of a version change
                  {d.previousVersion ? ` (to ${d.previousVersion})` : ''}
                </span>
              </div>
            </div>
            {mayChange && <ScaleControl model={d.model} environment={d.environment} replicas={d.replicas} />}
          </div>
        </Card>

        <Card title="Health" actions={<span className="muted small">last 30 minutes, a check every 10 s</span>}>
          {series.data && series.data.length > 0 ? <HealthCharts points={series.data} /> : <EmptyState compact title="No health checks yet" description="The monitor checks every deployment every 10 s." />}
        </Card>

        <PodsCard pods={d.cluster?.pods ?? []} />
        <ActionsCard actions={d.actions} />
        <EventsCard events={(d.cluster?.events ?? []).map((e, key) => ({ ...e, key }))} />

        <Card title="Manifests" actions={<span className="muted small">Deployment, Service, HPA, ServiceMonitor, PrometheusRule</span>} flush>
          <pre className={styles.yaml} data-testid="manifests-yaml">
            {d.manifestsYaml}
          </pre>
        </Card>
      </div>
    </>
  );
}

function ScaleControl({ model, environment, replicas }: { model: string; environment: 'staging' | 'production'; replicas: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [value, setValue] = useState(String(replicas));
  const scale = useMutation(trpc.deployments.scale.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries(trpc.deployments.pathFilter()) }));
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    scale.mutate({ model, environment, replicas: Number(value) });
  }
  return (
    <form className={styles.scale} onSubmit={onSubmit} aria-label="Scale">
      <Field label="Replicas" error={scale.error ? errorMessage(scale.error) : null}>
        <input className="input" type="number" min={0} value={value} onChange={(e) => setValue(e.target.value)} />
      </Field>
      <Button type="submit" pending={scale.isPending}>
        Scale
      </Button>
    </form>
  );
}

function UndeployButton({ model, environment }: { model: string; environment: 'staging' | 'production' }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const undeploy = useMutation(
    trpc.deployments.undeploy.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries(trpc.deployments.pathFilter());
        router.push('/deployments');
      },
    }),
  );
  return (
    <ConfirmButton onConfirm={() => undeploy.mutate({ model, environment })} pending={undeploy.isPending} message={`Remove ${model} from ${environment}? Every object it created is deleted.`}>
      Undeploy
    </ConfirmButton>
  );
}

function PodsCard({ pods }: { pods: Pod[] }) {
  const columns: Column<Pod>[] = [
    { key: 'name', header: 'Pod', mono: true, cell: (p) => p.name },
    { key: 'version', header: 'Version', nowrap: true, cell: (p) => (p.version ? <SemverBadge version={p.version} /> : '—') },
    { key: 'phase', header: 'Phase', nowrap: true, cell: (p) => <StatusBadge status={p.phase.toLowerCase()} /> },
    { key: 'ready', header: 'Ready', nowrap: true, cell: (p) => (p.ready ? <Badge tone="success">ready</Badge> : <Badge tone="warning">{p.reason ?? 'not ready'}</Badge>) },
    { key: 'restarts', header: 'Restarts', align: 'right', width: 80, cell: (p) => <span className={p.restarts > 0 ? 'text-danger strong' : undefined}>{p.restarts}</span> },
  ];
  return (
    <Card title="Pods" flush>
      <DataTable caption="Pods" columns={columns} rows={pods} rowKey={(p) => p.name} empty={<EmptyState compact title="No pods" />} />
    </Card>
  );
}

function ActionsCard({ actions }: { actions: Action[] }) {
  const columns: Column<Action>[] = [
    { key: 'at', header: 'When', nowrap: true, cell: (a) => <RelativeTime value={a.at} /> },
    { key: 'kind', header: 'Action', nowrap: true, cell: (a) => <StatusBadge status={a.kind} /> },
    { key: 'who', header: 'By', cell: (a) => (a.automatic ? <Badge tone="info">automatic</Badge> : <span className="small">{a.actorLabel}</span>) },
    { key: 'message', header: 'What', cell: (a) => <span className="small">{a.message}</span> },
  ];
  return (
    <Card title="Actions" actions={<span className="muted small">people and automatic recovery, newest first</span>} flush>
      <DataTable caption="Actions" columns={columns} rows={actions} rowKey={(a) => a.id} rowClassName={(a) => (a.severity === 'alert' ? 'row-danger' : undefined)} empty="No actions yet" />
    </Card>
  );
}

function EventsCard({ events }: { events: ClusterEvent[] }) {
  const columns: Column<ClusterEvent>[] = [
    { key: 'type', header: 'Type', nowrap: true, cell: (e) => <Badge tone={e.type === 'Warning' ? 'warning' : 'neutral'}>{e.type}</Badge> },
    { key: 'reason', header: 'Reason', nowrap: true, cell: (e) => <span className="strong">{e.reason}</span> },
    { key: 'message', header: 'Message', cell: (e) => <span className="small">{e.message}</span> },
    { key: 'count', header: 'Count', align: 'right', width: 64, cell: (e) => (e.count > 1 ? `×${e.count}` : <span className="muted">1</span>) },
    { key: 'last', header: 'Last seen', nowrap: true, cell: (e) => <RelativeTime value={e.lastSeen} /> },
  ];
  return (
    <Card title="Events" actions={<span className="muted small">from the cluster, newest first</span>} flush>
      <DataTable caption="Events" columns={columns} rows={events} rowKey={(e) => e.key} empty={<EmptyState compact title="No events" />} />
    </Card>
  );
}

'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useCan } from '@/components/auth/use-can';
import { useTRPC } from '@/components/providers/trpc';
import { SemverBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { type Column, DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { RefreshControl } from '@/components/ui/refresh-control';
import { StatusBadge } from '@/components/ui/status-badge';
import { RelativeTime } from '@/components/ui/time';
import { DeployForm } from './deploy-form';
import { DeploymentHealthBadge } from './health-badge';
import { type DeploymentSummary, deploymentHref, LIVE_REFRESH_MS } from './types';

/** Every live deployment with its health; the deploy form for those who may deploy. */
export function DeploymentsList() {
  const trpc = useTRPC();
  const canDeploy = useCan('deployments:write');
  const [deploying, setDeploying] = useState(false);
  const list = useQuery(trpc.deployments.list.queryOptions({ limit: 200 }, { refetchInterval: LIVE_REFRESH_MS, staleTime: 0 }));

  const columns: Column<DeploymentSummary>[] = [
    {
      key: 'model',
      header: 'Model',
      cell: (d) => (
        <Link href={deploymentHref(d.id)} className="strong">
          {d.model}
        </Link>
      ),
    },
    { key: 'env', header: 'Environment', nowrap: true, cell: (d) => <StatusBadge status={d.environment} /> },
    { key: 'version', header: 'Version', nowrap: true, cell: (d) => <SemverBadge version={d.version} /> },
    { key: 'replicas', header: 'Replicas', align: 'right', width: 90, cell: (d) => d.replicas },
    {
      key: 'health',
      header: 'Health',
      cell: (d) => (
        <div className="cell-stack">
          <DeploymentHealthBadge status={d.health.status} reason={d.health.reason} />
          <span className="muted small">{d.status === 'undeploying' ? 'undeploying…' : d.health.reason}</span>
        </div>
      ),
    },
    { key: 'checked', header: 'Checked', nowrap: true, cell: (d) => <RelativeTime value={d.health.lastCheckedAt} fallback="not yet" /> },
  ];

  return (
    <>
      <PageHeader
        title="Deployments"
        description="Model versions running on the cluster, checked every 10 s: replicas, /health, a chat completion through the Service, latency and errors."
        actions={
          <>
            <RefreshControl query={list} />
            {canDeploy && !deploying && (
              <Button variant="primary" onClick={() => setDeploying(true)}>
                Deploy a model
              </Button>
            )}
          </>
        }
      />
      <div className="stack">
        {deploying && <DeployForm onCancel={() => setDeploying(false)} />}
        <Card flush>
          <DataTable
            caption="Deployments"
            columns={columns}
            rows={list.data}
            isLoading={list.isPending}
            error={list.error}
            onRetry={() => void list.refetch()}
            rowKey={(d) => d.id}
            empty={<EmptyState compact title="Nothing deployed" description={canDeploy ? 'Deploy a registered version to staging to start.' : 'Nothing runs on the cluster yet.'} />}
          />
        </Card>
      </div>
    </>
  );
}

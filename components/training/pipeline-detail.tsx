'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import Link from 'next/link';
import { useCan } from '@/components/auth/use-can';
import { useTRPC } from '@/components/providers/trpc';
import { versionHref } from '@/components/registry/types';
import { Badge, SemverBadge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { ErrorState } from '@/components/ui/error-state';
import { errorMessage } from '@/components/ui/errors';
import { formatDuration } from '@/components/ui/format';
import { PageHeader } from '@/components/ui/page-header';
import { LoadingState } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { RelativeTime } from '@/components/ui/time';
import { STAGE_LABELS, type StageName } from '@/server/training/stages';
import { JudgeResults } from './judge-results';
import { MetricCharts } from './metric-charts';
import { ProgressBar } from './progress-bar';
import styles from './training.module.css';
import { LiveIndicator } from './live-indicator';
import { isActive, type StageStatus } from './types';
import { useLivePipeline } from './use-live';
import { WinRatePanel } from './win-rate';

/**
 * `/training/[id]`: stage stepper, live charts and logs, judge results, the registered version; cancel / retry.
 * Changes are pushed (useLivePipeline); the queries re-read on their own only every `fallbackPollMs` while the
 * run is active or the push is down, in case a push got lost.
 */
export function PipelineDetail({ id, fallbackPollMs }: { id: string; fallbackPollMs: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canManage = useCan('training:manage');
  const liveState = useLivePipeline(id);
  const poll = (active: boolean) => ((active || liveState !== 'live') && fallbackPollMs > 0 ? fallbackPollMs : false);
  const status = useQuery(trpc.training.status.queryOptions({ id }, { refetchInterval: (q) => poll(!q.state.data || isActive(q.state.data.status)), staleTime: 0 }));
  const live = !status.data || isActive(status.data.status);
  const metrics = useQuery(trpc.training.metrics.queryOptions({ id }, { refetchInterval: poll(live), staleTime: 0 }));
  const logs = useQuery(trpc.training.logs.queryOptions({ id, limit: 200 }, { refetchInterval: poll(live), staleTime: 0 }));
  // One last read when the run finishes: its final lines and points came after the previous poll.
  const { refetch: refetchLogs } = logs;
  const { refetch: refetchMetrics } = metrics;
  useEffect(() => {
    if (live) return;
    void refetchLogs();
    void refetchMetrics();
  }, [live, refetchLogs, refetchMetrics]);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.training.pathKey() });
  const cancel = useMutation(trpc.training.cancel.mutationOptions({ onSuccess: refresh }));
  const retry = useMutation(trpc.training.retry.mutationOptions({ onSuccess: refresh }));

  if (status.isPending) return <LoadingState label="Loading pipeline" />;
  if (status.error) return <ErrorState error={status.error} onRetry={() => void status.refetch()} />;
  const p = status.data;
  const actionError = cancel.error ?? retry.error;

  return (
    <>
      <PageHeader
        eyebrow={<Link href="/training">Training</Link>}
        title={p.name}
        description={
          <span className="row gap-sm">
            <StatusBadge status={p.status} />
            <Badge>{p.baseModel}</Badge>
            <span className="small muted">
              → <span className="mono">{p.family}</span> · started by {p.createdBy} <RelativeTime value={p.createdAt} />
            </span>
          </span>
        }
        actions={
          canManage ? (
            <div className="row gap-sm">
              {isActive(p.status) && (
                <ConfirmButton onConfirm={() => cancel.mutate({ id })} pending={cancel.isPending} message="Cancel this pipeline? The running stage's Job is deleted; finished stages are kept." confirmLabel="Cancel pipeline">
                  Cancel
                </ConfirmButton>
              )}
              {(p.status === 'failed' || p.status === 'cancelled') && (
                <Button variant="primary" size="sm" pending={retry.isPending} onClick={() => retry.mutate({ id })}>
                  Retry from {p.stages.find((s) => s.status === 'failed' || s.status === 'cancelled')?.stage ?? 'the failed stage'}
                </Button>
              )}
            </div>
          ) : undefined
        }
      />
      <div className="stack">
        {actionError && <p className="text-danger" role="alert">{errorMessage(actionError)}</p>}
        {p.fallbackReason && (
          <div className={styles.banner} role="status" data-testid="fallback-banner">
            <strong>RLAIF fallback.</strong> {p.fallbackReason}
          </div>
        )}
        {p.status === 'failed' && p.error && (
          <div className={`${styles.banner} ${styles.bannerDanger}`} role="alert">
            <strong>Failed.</strong> {p.error}
          </div>
        )}
        {p.result && (
          <Card title="Registered version">
            <div className="row gap-sm" data-testid="result-version">
              <Link href={versionHref(p.result.family, p.result.version)} className="strong">
                {p.result.family}
              </Link>
              <Link href={versionHref(p.result.family, p.result.version)}>
                <SemverBadge version={p.result.version} />
              </Link>
            </div>
          </Card>
        )}
        <Card
          title="Stages"
          actions={
            <span className="row gap-sm">
              <LiveIndicator state={liveState} fallbackPollMs={fallbackPollMs} />
              <ProgressBar value={p.progress} label="Pipeline progress" />
            </span>
          }
        >
          <ol className={styles.stepper} aria-label="Pipeline stages">
            {p.stages.map((s) => (
              <StageStep key={s.stage} stage={s} />
            ))}
          </ol>
        </Card>
        <Card title="Training curves">{metrics.error ? <ErrorState compact error={metrics.error} /> : <MetricCharts points={metrics.data?.points ?? []} />}</Card>
        <Card title="Judge results">
          <div className="stack">
            <WinRatePanel data={p.judgeWinRate} />
            {p.rlaif && <JudgeResults pipelineId={id} />}
          </div>
        </Card>
        <Card title="Logs" actions={<span className="small muted" data-testid="logs-summary">{logs.data?.summary ?? 'loading'}{live ? ' · live' : ''}</span>}>
          <pre className={styles.logs} data-testid="logs-tail" aria-live="off">
            {(logs.data?.lines ?? []).map((l) => (
              <span key={l.id}>
                <span className={styles.logStage}>[{l.stage}#{l.attempt}]</span> {l.line}
                {'\n'}
              </span>
            ))}
          </pre>
        </Card>
      </div>
    </>
  );
}

function StageStep({ stage: s }: { stage: StageStatus }) {
  const cls = [styles.step, s.status === 'running' && styles.stepRunning, s.status === 'failed' && styles.stepFailed, s.status === 'skipped' && styles.stepSkipped].filter(Boolean).join(' ');
  const seconds = s.startedAt ? ((s.finishedAt ? new Date(s.finishedAt).getTime() : Date.now()) - new Date(s.startedAt).getTime()) / 1000 : null;
  return (
    <li className={cls} data-testid={`stage-${s.stage}`} data-status={s.status}>
      <span className={styles.stepName}>{STAGE_LABELS[s.stage as StageName] ?? s.stage}</span>
      <span className="row gap-xs">
        <StatusBadge status={s.status} />
        <Badge>{s.kind === 'gpu' ? 'GPU Job' : 'worker'}</Badge>
        {s.attempt > 1 && <span className="small muted">attempt {s.attempt}</span>}
      </span>
      {s.status === 'running' && <ProgressBar value={s.progress} label={`${s.stage} progress`} />}
      {s.waiting && <span className="small" style={{ color: 'var(--warning)' }}>{s.waiting}</span>}
      {s.error && <span className="small text-danger">{s.error}</span>}
      {seconds !== null && <span className="small muted">{formatDuration(Math.max(0, Math.round(seconds)))}</span>}
    </li>
  );
}

import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { GPU_RESOURCE, TRAINER_EXIT_CODE_MEANINGS } from './manifests/training-job';

/*
 * Why a Job or Pod is not doing what was asked, in words for the UI. Codes are stable (the UI and the
 * pipeline store them); messages may change.
 */

export type FailureCode =
  | 'oom_killed'
  | 'image_pull'
  | 'waiting_for_gpu'
  | 'unschedulable'
  | 'deadline_exceeded'
  | 'evicted'
  | 'crash_loop'
  | 'config_error'
  | 'exit_code'
  | 'backoff_limit'
  | 'failed';

export interface Failure {
  code: FailureCode;
  message: string;
}

type ContainerStatus = NonNullable<NonNullable<IPod['status']>['containerStatuses']>[number];

const SIGNALS: Record<number, string> = { 137: 'killed (SIGKILL)', 139: 'crashed (segmentation fault)', 143: 'terminated (SIGTERM)' };

function exitCodeWords(code: number): string {
  const meaning = TRAINER_EXIT_CODE_MEANINGS[code] ?? SIGNALS[code];
  return meaning ? `exited with code ${code}: ${meaning}` : `exited with code ${code}`;
}

function gpusRequested(pod: IPod): number {
  let total = 0;
  for (const c of pod.spec?.containers ?? []) {
    const q = c.resources?.limits?.[GPU_RESOURCE] ?? c.resources?.requests?.[GPU_RESOURCE];
    if (q !== undefined) total += Number(q) || 0;
  }
  return total;
}

function allStatuses(pod: IPod): ContainerStatus[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

function containerFailure(s: ContainerStatus): Failure | null {
  const waiting = s.state?.waiting;
  const terminated = s.state?.terminated;
  const last = s.lastState?.terminated;
  if (terminated?.reason === 'OOMKilled' || (waiting?.reason === 'CrashLoopBackOff' && last?.reason === 'OOMKilled')) {
    return { code: 'oom_killed', message: 'ran out of GPU/host memory (OOMKilled): lower batch size or sequence length' };
  }
  if (waiting?.reason && ['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull'].includes(waiting.reason)) {
    return { code: 'image_pull', message: `image could not be pulled: check the image name and registry credentials (${s.image})` };
  }
  if (waiting?.reason === 'CrashLoopBackOff') {
    const exit = last?.exitCode !== undefined ? `; last run ${exitCodeWords(last.exitCode)}` : '';
    return { code: 'crash_loop', message: `keeps crashing and is being restarted with back-off (CrashLoopBackOff)${exit}` };
  }
  if (waiting?.reason === 'CreateContainerConfigError' || waiting?.reason === 'CreateContainerError') {
    return { code: 'config_error', message: `container could not be created: ${waiting.message ?? waiting.reason}` };
  }
  if (terminated && terminated.exitCode !== 0) {
    return { code: 'exit_code', message: exitCodeWords(terminated.exitCode) };
  }
  return null;
}

/** What is wrong with one pod, or null when nothing is (running, succeeded, or still starting). */
export function describePodFailure(pod: IPod): Failure | null {
  const status = pod.status;
  if (!status) return null;
  if (status.reason === 'Evicted') {
    return { code: 'evicted', message: `evicted by the node${status.message ? `: ${status.message}` : ''}` };
  }
  if (status.reason === 'DeadlineExceeded') return { code: 'deadline_exceeded', message: 'ran longer than its deadline' };
  for (const s of allStatuses(pod)) {
    const failure = containerFailure(s);
    if (failure) return failure;
  }
  const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled');
  if (status.phase === 'Pending' && scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const message = scheduled.message ?? '';
    const gpus = gpusRequested(pod);
    if (message.includes(`Insufficient ${GPU_RESOURCE}`) || (gpus > 0 && /gpu/i.test(message))) {
      return { code: 'waiting_for_gpu', message: `waiting for GPU: no node has ${gpus || 'the requested'} free ${GPU_RESOURCE}` };
    }
    return { code: 'unschedulable', message: `cannot be scheduled${message ? `: ${message}` : ''}` };
  }
  if (status.phase === 'Failed') {
    const disrupted = status.conditions?.find((c) => c.type === 'DisruptionTarget' && c.status === 'True');
    if (disrupted) return { code: 'evicted', message: `stopped by the cluster (${disrupted.reason ?? 'disruption'})${disrupted.message ? `: ${disrupted.message}` : ''}` };
    return { code: 'failed', message: status.message ?? status.reason ?? 'failed' };
  }
  return null;
}

function newestFirst(pods: IPod[]): IPod[] {
  const t = (p: IPod) => String(p.metadata?.creationTimestamp ?? '');
  return [...pods].sort((a, b) => t(b).localeCompare(t(a)));
}

/** Whether a Job carries the condition (`Complete` or `Failed`) with status True. */
export function jobHasCondition(job: IJob, type: 'Complete' | 'Failed'): boolean {
  return job.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

/** A Job that completed or failed: its pods run no more. */
export const jobFinished = (job: IJob): boolean => jobHasCondition(job, 'Complete') || jobHasCondition(job, 'Failed');

/**
 * Why a Job failed or is stuck, looking at its pods for the cause: a Job that hit its backoff limit
 * reports what killed its newest pod (OOMKilled, exit code…). Null when the Job is fine.
 */
export function describeJobFailure(job: IJob, pods: IPod[] = []): Failure | null {
  const conditions = job.status?.conditions ?? [];
  const failed = conditions.find((c) => (c.type === 'Failed' || c.type === 'FailureTarget') && c.status === 'True');
  const podFailure = newestFirst(pods).map(describePodFailure).find((f) => f !== null) ?? null;
  if (failed?.reason === 'DeadlineExceeded') {
    const limit = job.spec?.activeDeadlineSeconds;
    return { code: 'deadline_exceeded', message: `ran longer than its deadline${limit ? ` (${formatSeconds(limit)})` : ''}` };
  }
  if (failed?.reason === 'PodFailurePolicy') {
    const code = /exit code (\d+)/.exec(failed.message ?? '')?.[1];
    if (code) return { code: 'exit_code', message: `${exitCodeWords(Number(code))}; not retried` };
    return podFailure ?? { code: 'failed', message: failed.message ?? 'failed (pod failure policy)' };
  }
  if (failed) {
    if (podFailure) return podFailure;
    if (failed.reason === 'BackoffLimitExceeded') {
      return { code: 'backoff_limit', message: `failed ${job.status?.failed ?? ''} times and reached its retry limit`.replace('  ', ' ') };
    }
    return { code: 'failed', message: failed.message ?? failed.reason ?? 'failed' };
  }
  const done = conditions.some((c) => c.type === 'Complete' && c.status === 'True');
  if (done) return null;
  // Still running or waiting: only report what blocks it (no GPU, image, crash loop), not a retried exit.
  return podFailure && podFailure.code !== 'exit_code' && podFailure.code !== 'failed' ? podFailure : null;
}

function formatSeconds(s: number): string {
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

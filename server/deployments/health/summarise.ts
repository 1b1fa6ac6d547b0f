import type { HealthStatus } from '@/db/schema/deployments';

/** What one check saw; pure input for `summariseHealth`. */
export interface CheckObservation {
  deploymentFound: boolean;
  desired: number;
  ready: number;
  /** Containers of the deployment's pods in CrashLoopBackOff (or restarted and not ready). */
  crashLooping: number;
  rolloutInProgress: boolean;
  /** Pods still starting: not ready yet, never restarted, younger than the startup grace (vLLM loads weights for minutes). */
  startingPods?: number;
  /** Containers of the version being rolled out that crash-loop (while older pods may still serve). */
  newVersionCrashLooping?: number;
  /** The Deployment's Progressing condition says the rollout is stuck (ProgressDeadlineExceeded). */
  rolloutStuck?: boolean;
  /** /health through the Service; null when not tried (no endpoint, or scaled to zero). */
  health: ProbeResult | null;
  /** One chat completion through the Service; null when not tried. */
  chat: ProbeResult | null;
  errorRate: number | null;
  latencyP95Ms: number | null;
  thresholds: { errorRate: number; latencyP95Seconds: number };
}

export interface ProbeResult {
  ok: boolean;
  ms: number;
  error?: string;
}

/** healthy / degraded / unhealthy with the reason, first cause first. */
export function summariseHealth(o: CheckObservation): { status: Exclude<HealthStatus, 'unknown'>; reason: string } {
  if (!o.deploymentFound) return { status: 'unhealthy', reason: 'the Deployment is missing from the cluster' };
  if (o.desired === 0) return { status: 'healthy', reason: 'scaled to 0 replicas' };
  if (o.ready === 0 && o.crashLooping === 0 && (o.startingPods ?? 0) > 0) {
    // Not a failure yet: counting it would restart a model server that is still loading.
    return { status: 'degraded', reason: `starting: 0/${o.desired} replicas ready, ${o.startingPods} pod(s) starting` };
  }
  if (o.ready === 0) {
    return { status: 'unhealthy', reason: o.crashLooping > 0 ? `no ready replica: ${o.crashLooping} container(s) crash-looping` : `no ready replica (0/${o.desired})` };
  }
  if (o.rolloutInProgress && (o.newVersionCrashLooping ?? 0) > 0) return { status: 'unhealthy', reason: `the new version crash-loops (${o.newVersionCrashLooping} container(s)); older replicas still serve` };
  if (o.rolloutStuck) return { status: 'unhealthy', reason: 'the rollout is stuck (progress deadline exceeded)' };
  const probeFailure = failedProbe(o);
  if (probeFailure) {
    // While a rollout replaces the pods the Service answers from old and new ones alike, so a failing probe
    // cannot be pinned on either; counting it would restart the very pods that are the fix (the new version
    // of a rollback still starting while the bad one answers). The progress deadline above bounds the wait.
    if (o.rolloutInProgress) return { status: 'degraded', reason: `rollout in progress; ${probeFailure}` };
    return { status: 'unhealthy', reason: probeFailure };
  }
  if (o.crashLooping > 0) return { status: 'degraded', reason: `${o.crashLooping} container(s) crash-looping` };
  if (o.errorRate !== null && o.errorRate > o.thresholds.errorRate) return { status: 'degraded', reason: `error rate ${(o.errorRate * 100).toFixed(1)}% above ${o.thresholds.errorRate * 100}%` };
  if (o.latencyP95Ms !== null && o.latencyP95Ms > o.thresholds.latencyP95Seconds * 1000) return { status: 'degraded', reason: `p95 latency ${Math.round(o.latencyP95Ms)} ms above ${o.thresholds.latencyP95Seconds * 1000} ms` };
  if (o.ready < o.desired) return { status: 'degraded', reason: `${o.ready}/${o.desired} replicas ready${o.rolloutInProgress ? ' (rollout in progress)' : ''}` };
  if (o.rolloutInProgress) return { status: 'degraded', reason: 'rollout in progress' };
  return { status: 'healthy', reason: `${o.ready}/${o.desired} replicas ready, probes passing` };
}

/** What the probes through the Service say is wrong, first cause first; null when they pass. */
function failedProbe(o: CheckObservation): string | null {
  if (o.health && !o.health.ok) return `/health failed: ${o.health.error ?? 'error'}`;
  if (o.chat && !o.chat.ok) return `chat completion failed: ${o.chat.error ?? 'error'}`;
  if (o.errorRate !== null && o.errorRate > 0.5) return `${Math.round(o.errorRate * 100)}% of chat requests failed`;
  return null;
}

export interface RecoveryState {
  consecutiveFailures: number;
  restartAfterFailures: number;
  rollbackWindowMinutes: number;
  rolloutStartedAt: Date;
  hasPreviousVersion: boolean;
}

/**
 * After K (`restartAfterFailures`) consecutive unhealthy checks: within M minutes of a version change
 * (and with a version to go back to) roll back, otherwise restart. The counter restarts after acting.
 */
export function decideRecovery(s: RecoveryState, status: HealthStatus, now: Date): { failures: number; action: 'restart' | 'rollback' | null } {
  if (status !== 'unhealthy') return { failures: 0, action: null };
  const failures = s.consecutiveFailures + 1;
  if (failures < s.restartAfterFailures) return { failures, action: null };
  const inWindow = now.getTime() - s.rolloutStartedAt.getTime() <= s.rollbackWindowMinutes * 60_000;
  return { failures: 0, action: s.hasPreviousVersion && inWindow ? 'rollback' : 'restart' };
}

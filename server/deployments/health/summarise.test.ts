import { describe, expect, it } from 'vitest';
import { type CheckObservation, decideRecovery, summariseHealth } from './summarise';

const ok = { ok: true, ms: 12 };
const base: CheckObservation = {
  deploymentFound: true,
  desired: 2,
  ready: 2,
  crashLooping: 0,
  rolloutInProgress: false,
  health: ok,
  chat: ok,
  errorRate: 0,
  latencyP95Ms: 300,
  thresholds: { errorRate: 0.05, latencyP95Seconds: 2 },
};

describe('summariseHealth', () => {
  it('is healthy when every replica is ready and the probes pass', () => {
    expect(summariseHealth(base)).toEqual({ status: 'healthy', reason: '2/2 replicas ready, probes passing' });
  });

  it.each([
    [{ deploymentFound: false }, 'unhealthy', /missing/],
    [{ ready: 0, crashLooping: 2 }, 'unhealthy', /no ready replica: 2 container\(s\) crash-looping/],
    [{ ready: 0 }, 'unhealthy', /no ready replica \(0\/2\)/],
    [{ ready: 0, startingPods: 2, rolloutInProgress: true }, 'degraded', /starting: 0\/2 replicas ready, 2 pod\(s\) starting/],
    [{ ready: 0, startingPods: 1, crashLooping: 1 }, 'unhealthy', /crash-looping/],
    [{ health: { ok: false, ms: 1000, error: 'no answer within 1000 ms' } }, 'unhealthy', /\/health failed: no answer within 1000 ms/],
    [{ chat: { ok: false, ms: 5, error: 'HTTP 500' } }, 'unhealthy', /chat completion failed: HTTP 500/],
    [{ errorRate: 0.9 }, 'unhealthy', /90% of chat requests failed/],
    [{ errorRate: 0.1 }, 'degraded', /error rate 10\.0% above 5%/],
    [{ latencyP95Ms: 2500 }, 'degraded', /p95 latency 2500 ms above 2000 ms/],
    [{ ready: 1, rolloutInProgress: true }, 'degraded', /1\/2 replicas ready \(rollout in progress\)/],
    [{ crashLooping: 1 }, 'degraded', /crash-looping/],
    [{ crashLooping: 1, newVersionCrashLooping: 1, rolloutInProgress: true }, 'unhealthy', /the new version crash-loops/],
    [{ rolloutStuck: true }, 'unhealthy', /rollout is stuck/],
    // A rollout (e.g. an automatic rollback) is replacing the pods that fail: not counted towards a restart…
    [{ rolloutInProgress: true, chat: { ok: false, ms: 5, error: 'HTTP 500' } }, 'degraded', /rollout in progress; chat completion failed: HTTP 500/],
    [{ rolloutInProgress: true, errorRate: 1 }, 'degraded', /rollout in progress; 100% of chat requests failed/],
    // …unless it is stuck past its progress deadline.
    [{ rolloutInProgress: true, rolloutStuck: true, chat: { ok: false, ms: 5, error: 'HTTP 500' } }, 'unhealthy', /rollout is stuck/],
    [{ desired: 0, ready: 0, health: null, chat: null }, 'healthy', /scaled to 0/],
  ] as const)('%o → %s', (change, status, reason) => {
    const r = summariseHealth({ ...base, ...change });
    expect(r.status).toBe(status);
    expect(r.reason).toMatch(reason);
  });
});

describe('decideRecovery', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const state = { consecutiveFailures: 0, restartAfterFailures: 3, rollbackWindowMinutes: 10, rolloutStartedAt: new Date('2026-01-01T11:55:00Z'), hasPreviousVersion: true };

  it('counts consecutive unhealthy checks and resets on anything else', () => {
    expect(decideRecovery(state, 'unhealthy', now)).toEqual({ failures: 1, action: null });
    expect(decideRecovery({ ...state, consecutiveFailures: 1 }, 'unhealthy', now)).toEqual({ failures: 2, action: null });
    expect(decideRecovery({ ...state, consecutiveFailures: 2 }, 'degraded', now)).toEqual({ failures: 0, action: null });
  });

  it('rolls back on the K-th failure within M minutes of a version change, restarts otherwise', () => {
    expect(decideRecovery({ ...state, consecutiveFailures: 2 }, 'unhealthy', now)).toEqual({ failures: 0, action: 'rollback' });
    expect(decideRecovery({ ...state, consecutiveFailures: 2, rolloutStartedAt: new Date('2026-01-01T11:49:00Z') }, 'unhealthy', now)).toEqual({ failures: 0, action: 'restart' });
    expect(decideRecovery({ ...state, consecutiveFailures: 2, hasPreviousVersion: false }, 'unhealthy', now)).toEqual({ failures: 0, action: 'restart' });
  });
});

/** The Deployment controller's rolling-update arithmetic (pure, so it can be tested alone). */

export interface RsState {
  name: string;
  /** spec.replicas */
  replicas: number;
  /** status.availableReplicas */
  available: number;
}

export interface Fenceposts {
  surge: number;
  unavailable: number;
}

function scaled(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const s = String(value ?? '25%');
  if (s.endsWith('%')) {
    const v = (Number(s.slice(0, -1)) / 100) * total;
    return roundUp ? Math.ceil(v) : Math.floor(v);
  }
  return Number(s) || 0;
}

/** maxSurge rounds up, maxUnavailable down; both zero means one may be unavailable. */
export function fenceposts(maxSurge: unknown, maxUnavailable: unknown, replicas: number): Fenceposts {
  const surge = scaled(maxSurge, replicas, true);
  let unavailable = scaled(maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, replicas) };
}

/**
 * One step of a rolling update: how far the new ReplicaSet may grow (desired + surge in total) and
 * how far the old ones may shrink (unhealthy first, then down to desired - unavailable available).
 */
export function planRollingUpdate(desired: number, next: RsState, old: RsState[], fence: Fenceposts): { newReplicas: number; oldReplicas: Map<string, number> } {
  const oldTotal = old.reduce((n, r) => n + r.replicas, 0);
  const allPods = next.replicas + oldTotal;
  let newReplicas = next.replicas;
  if (newReplicas > desired) newReplicas = desired;
  else if (allPods < desired + fence.surge) newReplicas = Math.min(desired, next.replicas + (desired + fence.surge - allPods));

  const result = new Map(old.map((r) => [r.name, r.replicas]));
  const minAvailable = desired - fence.unavailable;
  const newUnavailable = Math.max(0, next.replicas - next.available);
  let budget = allPods - minAvailable - newUnavailable;
  if (budget > 0) {
    for (const r of old) {
      const unhealthy = Math.max(0, r.replicas - r.available);
      const d = Math.min(unhealthy, budget);
      result.set(r.name, r.replicas - d);
      budget -= d;
      if (budget <= 0) break;
    }
    let healthy = next.available + old.reduce((n, r) => n + Math.min(r.available, result.get(r.name)!), 0) - minAvailable;
    for (const r of old) {
      if (healthy <= 0) break;
      const current = result.get(r.name)!;
      const d = Math.min(current, healthy);
      result.set(r.name, current - d);
      healthy -= d;
    }
  }
  return { newReplicas, oldReplicas: result };
}

import type { IPod } from 'kubernetes-models/v1/Pod';

/** What orders a pending pod in the scheduling queue. */
export interface QueueKey {
  /** `spec.priority`, resolved from the pod's PriorityClass at admission (0 without one). */
  priority: number;
  /** `metadata.creationTimestamp` (RFC 3339). */
  created: string;
}

export function queueKeyOf(pod: IPod): QueueKey {
  return { priority: pod.spec?.priority ?? 0, created: String(pod.metadata?.creationTimestamp ?? '') };
}

/**
 * kube-scheduler's default queue order (the PrioritySort plugin): higher priority first, then the pod
 * that has waited longer. The simulator's scheduler and the "n-th in queue" position of a waiting training
 * stage both sort with this, so the position shown is the order in which the GPUs are handed out.
 * Timestamps have second precision; callers break ties themselves (the simulator by creation order).
 */
export function compareQueueOrder(a: QueueKey, b: QueueKey): number {
  return b.priority - a.priority || (Date.parse(a.created) || 0) - (Date.parse(b.created) || 0);
}

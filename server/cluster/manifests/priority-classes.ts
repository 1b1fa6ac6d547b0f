import type { IPriorityClass } from 'kubernetes-models/scheduling.k8s.io/v1/PriorityClass';
import { LABELS, MANAGED_BY, PART_OF } from './labels';

/** The `priority` of a training run (server/training/config.ts), as the cluster sees it. */
export type TrainingPriority = 'low' | 'normal' | 'high';

/**
 * One PriorityClass per training priority. Only the order of the values matters: pending pods are
 * scheduled highest value first. They sit well below the system classes (2,000,000,000 and up) and above
 * pods without a class (0).
 */
export const TRAINING_PRIORITY_CLASSES: Record<TrainingPriority, { name: string; value: number; description: string }> = {
  low: { name: 'neuroweaver-training-low', value: 1_000, description: 'NeuroWeaver training runs of low priority: scheduled after normal and high ones.' },
  normal: { name: 'neuroweaver-training-normal', value: 2_000, description: 'NeuroWeaver training runs of normal priority.' },
  high: { name: 'neuroweaver-training-high', value: 3_000, description: 'NeuroWeaver training runs of high priority: scheduled before normal and low ones.' },
};

export function trainingPriorityClassName(priority: TrainingPriority): string {
  return TRAINING_PRIORITY_CLASSES[priority].name;
}

/**
 * The three PriorityClasses. `preemptionPolicy: Never`: a high-priority run goes to the head of the GPU
 * queue but never evicts a running pod (a training run several hours in, or a model server) to get there.
 * Not `globalDefault`, so other workloads of the cluster keep their priority.
 */
export function buildTrainingPriorityClasses(): IPriorityClass[] {
  return Object.values(TRAINING_PRIORITY_CLASSES).map((c) => ({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: c.name, labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF, [LABELS.component]: 'training' } },
    value: c.value,
    globalDefault: false,
    preemptionPolicy: 'Never',
    description: c.description,
  }));
}

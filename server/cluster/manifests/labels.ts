/** Label keys on every object NeuroWeaver creates. Values go through `labelValue()`. */
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  version: 'app.kubernetes.io/version',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  pipeline: 'neuroweaver.dev/pipeline',
  stage: 'neuroweaver.dev/stage',
  attempt: 'neuroweaver.dev/attempt',
  family: 'neuroweaver.dev/family',
  modelVersion: 'neuroweaver.dev/version',
  environment: 'neuroweaver.dev/environment',
} as const;

/** Annotation keys carrying the exact, unsanitised values the labels stand for. */
export const ANNOTATIONS = {
  pipelineId: 'neuroweaver.dev/pipeline-id',
  stage: 'neuroweaver.dev/stage',
  attempt: 'neuroweaver.dev/attempt',
  family: 'neuroweaver.dev/family',
  modelVersion: 'neuroweaver.dev/version',
  environment: 'neuroweaver.dev/environment',
} as const;

export const MANAGED_BY = 'neuroweaver';
export const PART_OF = 'neuroweaver';

/** `{a: '1', b: '2'}` → `a=1,b=2`, for `list({ labelSelector })`. */
export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

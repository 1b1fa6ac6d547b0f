import type { TypeKey } from '../resources';
import type { KObject } from '../store/types';
import { fieldPath, type FieldErrors } from './field-errors';

interface Validatable {
  validate(): void;
}

type ModelClass = new (data: never) => Validatable;

/**
 * kubernetes-models is ESM-only with `import`-only exports, so a CommonJS caller (tsx on this
 * package) cannot `require` it: the models are loaded with dynamic import, once, before the API
 * server starts (`loadSchemaModels`).
 */
let models: Record<TypeKey, ModelClass> | undefined;

export async function loadSchemaModels(): Promise<void> {
  if (models) return;
  const [deployment, replicaSet, hpa, job, configMap, event, namespace, node, pvc, pod, secret, service, priorityClass] = await Promise.all([
    import('kubernetes-models/apps/v1/Deployment'),
    import('kubernetes-models/apps/v1/ReplicaSet'),
    import('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'),
    import('kubernetes-models/batch/v1/Job'),
    import('kubernetes-models/v1/ConfigMap'),
    import('kubernetes-models/v1/Event'),
    import('kubernetes-models/v1/Namespace'),
    import('kubernetes-models/v1/Node'),
    import('kubernetes-models/v1/PersistentVolumeClaim'),
    import('kubernetes-models/v1/Pod'),
    import('kubernetes-models/v1/Secret'),
    import('kubernetes-models/v1/Service'),
    import('kubernetes-models/scheduling.k8s.io/v1/PriorityClass'),
  ]);
  // The constructors take each kind's own data type; the simulator hands them generic objects.
  models = {
    namespaces: namespace.Namespace,
    nodes: node.Node,
    pods: pod.Pod,
    events: event.Event,
    secrets: secret.Secret,
    services: service.Service,
    configmaps: configMap.ConfigMap,
    persistentvolumeclaims: pvc.PersistentVolumeClaim,
    'deployments.apps': deployment.Deployment,
    'replicasets.apps': replicaSet.ReplicaSet,
    'jobs.batch': job.Job,
    'horizontalpodautoscalers.autoscaling': hpa.HorizontalPodAutoscaler,
    'priorityclasses.scheduling.k8s.io': priorityClass.PriorityClass,
  } as unknown as Record<TypeKey, ModelClass>;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Checks an object against the Kubernetes OpenAPI schema (kubernetes-models) where a model exists. */
export function validateSchema(type: TypeKey, obj: KObject, out: FieldErrors): void {
  if (!models) throw new Error('loadSchemaModels() must run before validation');
  const Model = models[type];
  if (!Model) return;
  try {
    // The model copies what it is given (kubernetes-models' constructor), so the object is not touched.
    new Model(obj as never).validate();
  } catch (err) {
    const list = (err as { errors?: AjvError[] }).errors;
    if (!Array.isArray(list)) throw err;
    const seen = new Set<string>();
    for (const e of list) {
      if (e.keyword === 'if' || e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
      const base = fieldPath(e.instancePath);
      const key = `${base}|${e.keyword}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (e.keyword === 'required') {
        const missing = String(e.params.missingProperty);
        out.required(base ? `${base}.${missing}` : missing);
      } else if (e.keyword === 'enum') {
        out.notSupported(base, valueAt(obj, e.instancePath), (e.params.allowedValues as string[]) ?? []);
      } else {
        out.invalid(base, valueAt(obj, e.instancePath), e.message ?? 'invalid value');
      }
    }
  }
}

function valueAt(obj: unknown, pointer: string): unknown {
  let cur = obj;
  for (const seg of pointer.split('/').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

import { typeKey, type ResourceType } from '../resources';
import type { KObject } from '../store/types';
import { deepEqual, getPath } from '../util/json';
import { FieldErrors } from './field-errors';
import { errors } from './status';
import { validateKind } from './validate-kinds';
import { validateMeta } from './validate-meta';
import { validateSchema } from './validate-schema';

const IMMUTABLE: Record<string, string[][]> = {
  Deployment: [['spec', 'selector']],
  ReplicaSet: [['spec', 'selector']],
  Job: [['spec', 'selector'], ['spec', 'template'], ['spec', 'completionMode']],
  Service: [['spec', 'clusterIP']],
  PriorityClass: [['value'], ['preemptionPolicy']],
};

/**
 * Refuses an object the real API server would refuse: 422 Invalid with one cause per field, from the
 * OpenAPI schema (kubernetes-models), name/label syntax, kind-specific rules and immutable fields.
 */
export function validateObject(rt: ResourceType, obj: KObject, existing?: KObject): void {
  const out = new FieldErrors();
  validateMeta(rt, obj.metadata, out, !existing);
  validateSchema(typeKey(rt), obj, out);
  validateKind(obj, out);
  if (existing) {
    for (const path of IMMUTABLE[obj.kind] ?? []) {
      const before = getPath(existing, path);
      const after = getPath(obj, path);
      if (before !== undefined && !deepEqual(before, after)) out.invalid(path.join('.'), after, 'field is immutable');
    }
  }
  if (!out.empty) throw errors.invalid(rt, obj.metadata.name || obj.metadata.generateName || '', out.causes);
}

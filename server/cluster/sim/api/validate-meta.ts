import type { ResourceType } from '../resources';
import type { ObjectMeta } from '../store/types';
import { labelValueErrors, nameErrors, qualifiedNameErrors } from '../util/names';
import type { FieldErrors } from './field-errors';

const MAX_ANNOTATIONS_BYTES = 256 * 1024;

export function validateLabels(labels: Record<string, string> | undefined, field: string, out: FieldErrors): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    for (const e of qualifiedNameErrors(key)) out.invalid(field, key, e);
    if (typeof value !== 'string') out.invalid(`${field}[${key}]`, value, 'must be a string');
    else for (const e of labelValueErrors(value)) out.invalid(`${field}[${key}]`, value, e);
  }
}

/** metadata: name syntax for the kind, label keys and values, annotation keys and total size. */
export function validateMeta(rt: ResourceType, meta: ObjectMeta, out: FieldErrors, creating: boolean): void {
  if (!meta.name) {
    if (!creating || !meta.generateName) out.required('metadata.name', 'name or generateName is required');
  } else {
    for (const e of nameErrors(meta.name, rt.nameRule)) out.invalid('metadata.name', meta.name, e);
  }
  if (creating && !meta.name && meta.generateName) {
    for (const e of nameErrors(`${meta.generateName}a`, rt.nameRule)) out.invalid('metadata.generateName', meta.generateName, e);
  }
  if (rt.namespaced && meta.namespace) for (const e of nameErrors(meta.namespace, 'label')) out.invalid('metadata.namespace', meta.namespace, e);
  validateLabels(meta.labels, 'metadata.labels', out);
  let size = 0;
  for (const [key, value] of Object.entries(meta.annotations ?? {})) {
    for (const e of qualifiedNameErrors(key.toLowerCase())) out.invalid('metadata.annotations', key, e);
    size += key.length + String(value).length;
  }
  if (size > MAX_ANNOTATIONS_BYTES) out.invalid('metadata.annotations', '', `Too long: must have at most ${MAX_ANNOTATIONS_BYTES} bytes`);
}

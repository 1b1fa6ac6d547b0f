import { stringify } from 'yaml';

/** Server-set fields that say nothing about what was asked for; dropped when showing a live object. */
const NOISY_METADATA = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp'] as const;

/**
 * Renders one manifest, or several as a multi-document stream, as YAML for the UI. With
 * `{ stripServerFields: true }` a live object loses its managedFields, uid and the like (status stays).
 */
export function toYaml(manifests: object | object[], options: { stripServerFields?: boolean } = {}): string {
  const list = Array.isArray(manifests) ? manifests : [manifests];
  return list
    .map((m) => stringify(options.stripServerFields ? strip(m) : m, { lineWidth: 0, sortMapEntries: false }))
    .join('---\n');
}

function strip(obj: object): object {
  const copy = structuredClone(obj) as { metadata?: Record<string, unknown> };
  if (copy.metadata) for (const key of NOISY_METADATA) delete copy.metadata[key];
  return copy;
}

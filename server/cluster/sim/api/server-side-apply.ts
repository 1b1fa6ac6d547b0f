import type { ResourceType } from '../resources';
import type { KObject } from '../store/types';
import { clone, deletePath, getPath, isObject, stableStringify } from '../util/json';
import { rfc3339 } from '../util/time';
import { disown, entriesOf, fromFieldsV1, leaves, overlaps, setEntry, splitKey, type ManagedFieldsEntry } from './managed-fields';
import { mergePatch } from './merge-patch';
import { ApiError, qualifiedResource } from './status';

const APPLIED_META = ['name', 'namespace', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'resourceVersion'];

export interface ApplyInput {
  rt: ResourceType;
  existing: KObject | undefined;
  applied: KObject;
  manager: string;
  force: boolean;
  subresource?: 'status';
}

/**
 * Server-side apply for one field manager: fields the manager applied before and no longer applies
 * are removed (unless another manager owns them too), the applied configuration is merged in, and a
 * field another manager owns with a different value is a 409 conflict unless `force` takes it over.
 */
export function serverSideApply({ rt, existing, applied, manager, force, subresource }: ApplyInput): KObject {
  const section = subresource ?? 'main';
  const config = clone(applied);
  config.metadata = Object.fromEntries(Object.entries(config.metadata ?? {}).filter(([k]) => APPLIED_META.includes(k))) as KObject['metadata'];
  if (rt.status && section === 'main') delete config.status;
  const appliedLeaves = leaves(config, rt, section);
  const entries: ManagedFieldsEntry[] = entriesOf(existing);
  const sameSub = (e: ManagedFieldsEntry) => (e.subresource ?? '') === (subresource ?? '');
  const mine = (e: ManagedFieldsEntry) => e.manager === manager && e.operation === 'Apply' && sameSub(e);

  const conflicts: { manager: string; key: string }[] = [];
  if (existing) {
    for (const e of entries.filter((x) => !mine(x) && sameSub(x))) {
      for (const owned of fromFieldsV1(e.fieldsV1)) {
        for (const [key, value] of appliedLeaves) {
          if (!overlaps(key, owned)) continue;
          const current = getPath(existing, splitKey(key));
          if (current !== undefined && stableStringify(current) !== value) conflicts.push({ manager: e.manager, key });
        }
      }
    }
  }
  if (conflicts.length > 0 && !force) {
    const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}"`, field: `.${splitKey(c.key).join('.')}` }));
    const list = causes.map((c) => `${c.message}: ${c.field}`).join('\n- ');
    throw new ApiError(409, 'Conflict', `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${conflicts.length > 1 ? `\n- ${list}` : list}`, {
      name: applied.metadata.name, ...(rt.group ? { group: rt.group } : {}), kind: rt.resource, causes,
    });
  }
  if (existing && config.metadata.resourceVersion && config.metadata.resourceVersion !== existing.metadata.resourceVersion) {
    throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(rt)} "${existing.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`, { name: existing.metadata.name, kind: rt.resource });
  }
  delete config.metadata.resourceVersion;

  let result: KObject = existing ? clone(existing) : { apiVersion: config.apiVersion, kind: config.kind, metadata: { name: config.metadata.name } };
  const previously = fromFieldsV1(entries.find(mine)?.fieldsV1);
  const others = entries.filter((e) => !mine(e)).map((e) => fromFieldsV1(e.fieldsV1));
  for (const key of previously) {
    if (appliedLeaves.has(key) || others.some((o) => o.has(key))) continue;
    deletePath(result as unknown as Record<string, unknown>, splitKey(key));
  }
  result = mergePatch(result, config) as KObject;
  if (!isObject(result.metadata)) result.metadata = { name: config.metadata.name };

  if (force) disown(entries, conflicts.map((c) => c.key), (e) => !mine(e));
  const entry: ManagedFieldsEntry = { manager, operation: 'Apply', apiVersion: config.apiVersion, time: rfc3339(), fieldsType: 'FieldsV1', fieldsV1: {}, ...(subresource ? { subresource } : {}) };
  const unchanged = existing && previously.size === appliedLeaves.size && [...appliedLeaves.keys()].every((k) => previously.has(k)) && conflicts.length === 0;
  result.metadata.managedFields = unchanged ? existing!.metadata.managedFields : setEntry(entries, entry, new Set(appliedLeaves.keys()));
  return result;
}

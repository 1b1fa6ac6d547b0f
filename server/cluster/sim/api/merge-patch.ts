import { clone, isObject } from '../util/json';

/** RFC 7386 JSON merge patch: objects merge, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** List fields a strategic merge patch merges by key instead of replacing (the common ones). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
};

/**
 * A strategic merge patch, reduced to what clients send in practice: merge patch semantics plus
 * keyed merging of the well-known lists (containers by name, env by name, ...), `$patch: delete`
 * on list items and `$patch: replace`; other `$` directives are dropped.
 */
export function strategicMergePatch(target: unknown, patch: unknown, key?: string): unknown {
  if (Array.isArray(patch)) {
    const mergeKey = key ? MERGE_KEYS[key] : undefined;
    if (!mergeKey || !Array.isArray(target)) return clone(patch).filter((p) => !(isObject(p) && p.$patch === 'delete'));
    const out = clone(target) as unknown[];
    for (const item of patch) {
      if (!isObject(item)) continue;
      const idx = out.findIndex((t) => isObject(t) && t[mergeKey] === item[mergeKey]);
      if (item.$patch === 'delete') {
        if (idx >= 0) out.splice(idx, 1);
      } else if (idx >= 0) out[idx] = strategicMergePatch(out[idx], item);
      else out.push(strategicMergePatch(undefined, item));
    }
    return out;
  }
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return strategicMergePatch(undefined, rest);
  }
  const out: Record<string, unknown> = isObject(target) ? clone(target) : {};
  for (const [k, value] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (value === null) delete out[k];
    else out[k] = strategicMergePatch(out[k], value, k);
  }
  return out;
}

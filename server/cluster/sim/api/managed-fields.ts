import type { ResourceType } from '../resources';
import type { KObject } from '../store/types';
import { isObject, stableStringify } from '../util/json';
import { rfc3339 } from '../util/time';

/**
 * Field ownership (metadata.managedFields), simplified: a manager owns leaf paths; lists are atomic
 * (owned whole). Enough for server-side apply to remove fields a manager stopped applying and to
 * report conflicts between managers.
 */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

const SEP = '\u0000';
const META_TRACKED = new Set(['labels', 'annotations']);
const META_ATOMIC = new Set(['ownerReferences', 'finalizers']);

export type Section = 'main' | 'status';

/** Leaf path key → JSON of its value, for the part of the object a section covers. */
export function leaves(obj: KObject, rt: ResourceType, section: Section): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (value: unknown, path: string[]) => {
    if (isObject(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) if (v !== undefined) walk(v, [...path, k]);
    } else out.set(path.join(SEP), stableStringify(value));
  };
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'apiVersion' || key === 'kind' || value === undefined) continue;
    if (key === 'status' && rt.status !== (section === 'status')) continue;
    if (key !== 'status' && key !== 'metadata' && section === 'status') continue;
    if (key === 'metadata') {
      if (section === 'status') continue;
      for (const [mk, mv] of Object.entries(value as Record<string, unknown>)) {
        if (META_TRACKED.has(mk) && isObject(mv)) for (const [lk, lv] of Object.entries(mv)) out.set(['metadata', mk, lk].join(SEP), stableStringify(lv));
        if (META_ATOMIC.has(mk)) out.set(['metadata', mk].join(SEP), stableStringify(mv));
      }
      continue;
    }
    walk(value, [key]);
  }
  return out;
}

export function splitKey(key: string): string[] {
  return key.split(SEP);
}

export function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(b + SEP) || b.startsWith(a + SEP);
}

export function toFieldsV1(keys: Iterable<string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const key of keys) {
    let node = root;
    for (const seg of splitKey(key)) node = (node[`f:${seg}`] ??= {}) as Record<string, unknown>;
  }
  return root;
}

export function fromFieldsV1(fields: Record<string, unknown> | undefined): Set<string> {
  const out = new Set<string>();
  const walk = (node: Record<string, unknown>, path: string[]) => {
    const children = Object.keys(node).filter((k) => k.startsWith('f:'));
    if (children.length === 0 || '.' in node) if (path.length) out.add(path.join(SEP));
    for (const k of children) walk(node[k] as Record<string, unknown>, [...path, k.slice(2)]);
  };
  if (fields) walk(fields, []);
  return out;
}

export function entriesOf(obj: KObject | undefined): ManagedFieldsEntry[] {
  return structuredClone((obj?.metadata.managedFields ?? []) as ManagedFieldsEntry[]);
}

/** Replaces one manager's entry (dropping it when it owns nothing) and empties other entries. */
export function setEntry(entries: ManagedFieldsEntry[], entry: ManagedFieldsEntry, owned: Set<string>): ManagedFieldsEntry[] {
  const same = (e: ManagedFieldsEntry) => e.manager === entry.manager && e.operation === entry.operation && (e.subresource ?? '') === (entry.subresource ?? '');
  const rest = entries.filter((e) => !same(e) && Object.keys(e.fieldsV1).length > 0);
  return owned.size > 0 ? [...rest, { ...entry, fieldsV1: toFieldsV1(owned) }] : rest;
}

/** Removes keys (and anything overlapping them) from every entry matching `filter`. */
export function disown(entries: ManagedFieldsEntry[], keys: Iterable<string>, filter: (e: ManagedFieldsEntry) => boolean): void {
  const list = [...keys];
  for (const e of entries) {
    if (!filter(e)) continue;
    const owned = fromFieldsV1(e.fieldsV1);
    for (const o of [...owned]) if (list.some((k) => overlaps(k, o))) owned.delete(o);
    e.fieldsV1 = toFieldsV1(owned);
  }
}

/**
 * Records a create/update/patch by `manager`: the fields it changed become its own (operation
 * Update) and stop belonging to anyone else. Leaves managedFields untouched when nothing changed.
 */
export function recordUpdate(rt: ResourceType, existing: KObject | undefined, next: KObject, manager: string, subresource?: 'status'): void {
  const section: Section = subresource ?? 'main';
  const before = existing ? leaves(existing, rt, section) : new Map<string, string>();
  const after = leaves(next, rt, section);
  const changed = [...after].filter(([k, v]) => before.get(k) !== v).map(([k]) => k);
  const removed = [...before.keys()].filter((k) => !after.has(k));
  if (changed.length === 0 && removed.length === 0) {
    next.metadata.managedFields = existing?.metadata.managedFields;
    return;
  }
  const entries = entriesOf(existing);
  const mine = (e: ManagedFieldsEntry) => e.manager === manager && e.operation === 'Update' && (e.subresource ?? '') === (subresource ?? '');
  disown(entries, [...changed, ...removed], (e) => !mine(e));
  const owned = fromFieldsV1(entries.find(mine)?.fieldsV1);
  for (const k of removed) owned.delete(k);
  for (const k of changed) owned.add(k);
  const entry: ManagedFieldsEntry = { manager, operation: 'Update', apiVersion: next.apiVersion, time: rfc3339(), fieldsType: 'FieldsV1', fieldsV1: {}, ...(subresource ? { subresource } : {}) };
  next.metadata.managedFields = setEntry(entries, entry, owned);
}

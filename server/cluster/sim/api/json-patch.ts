import { clone, deepEqual, isObject } from '../util/json';

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test). Throws Error on a bad operation. */
export interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`invalid JSON pointer "${pointer}"`);
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, path: string[]): { parent: Record<string, unknown> | unknown[]; key: string } {
  let cur = doc;
  for (const seg of path.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObject(cur)) cur = cur[seg];
    else cur = undefined;
    if (cur === undefined) throw new Error(`path /${path.join('/')} does not exist`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw new Error(`path /${path.join('/')} does not exist`);
  return { parent: cur, key: path[path.length - 1] };
}

function read(doc: unknown, path: string[]): unknown {
  if (path.length === 0) return doc;
  const { parent, key } = parentOf(doc, path);
  const value = Array.isArray(parent) ? parent[Number(key)] : parent[key];
  if (value === undefined) throw new Error(`path /${path.join('/')} does not exist`);
  return value;
}

function remove(doc: unknown, path: string[]): unknown {
  const { parent, key } = parentOf(doc, path);
  const value = read(doc, path);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return value;
}

function add(doc: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return clone(value);
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const idx = key === '-' ? parent.length : Number(key);
    if (!(idx >= 0 && idx <= parent.length)) throw new Error(`index ${key} out of range`);
    parent.splice(idx, 0, clone(value));
  } else parent[key] = clone(value);
  return doc;
}

export function applyJsonPatch(document: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new Error('a JSON patch must be an array of operations');
  let doc = clone(document);
  for (const raw of ops as JsonPatchOp[]) {
    const path = parsePointer(raw.path);
    switch (raw.op) {
      case 'add': doc = add(doc, path, raw.value); break;
      case 'remove': remove(doc, path); break;
      case 'replace': read(doc, path); doc = path.length === 0 ? clone(raw.value) : (remove(doc, path), add(doc, path, raw.value)); break;
      case 'move': { const v = remove(doc, parsePointer(raw.from ?? '')); doc = add(doc, path, v); break; }
      case 'copy': doc = add(doc, path, read(doc, parsePointer(raw.from ?? ''))); break;
      case 'test': if (!deepEqual(read(doc, path), raw.value)) throw new Error(`test operation for path ${raw.path} failed`); break;
      default: throw new Error(`unknown JSON patch operation "${raw.op}"`);
    }
  }
  return doc;
}

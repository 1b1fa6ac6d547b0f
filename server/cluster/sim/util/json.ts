/** Small JSON helpers shared by the store, the patch code and the controllers. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A deep copy. Stored objects are JSON (plain objects, arrays, primitives), copied by a plain recursive walk:
 * structuredClone's generic serializer was one of the simulator's largest costs under load. Anything else
 * (a Date, a Buffer) still goes through structuredClone.
 */
export function clone<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(clone) as T;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: JsonObject = {};
  for (const key of Object.keys(value)) out[key] = clone((value as JsonObject)[key]);
  return out as T;
}

/** JSON.stringify with sorted keys, so equal objects give equal strings (hashes, change detection). */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => stableStringify(v === undefined ? null : v)).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Equality of JSON values as stableStringify sees it (a key holding `undefined` is absent, `undefined` in an
 * array is null), compared in place: the store checks every update, and stringifying both sides was the
 * simulator's largest cost under load. Keys in `ignore` are skipped at the top level only.
 */
export function deepEqual(a: unknown, b: unknown, ignore?: ReadonlySet<string>): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    let counted = 0;
    for (const key of Object.keys(a)) {
      if (a[key] === undefined || ignore?.has(key)) continue;
      counted++;
      if (!(key in b) || !deepEqual(a[key], b[key])) return false;
    }
    for (const key of Object.keys(b)) if (b[key] !== undefined && !ignore?.has(key)) counted--;
    return counted === 0;
  }
  // Primitives (and anything JSON turns into the same text, e.g. NaN and null).
  return (JSON.stringify(a) ?? 'null') === (JSON.stringify(b) ?? 'null');
}

/** Reads a nested value by path segments; undefined when any segment is missing. */
export function getPath(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (isObject(cur)) cur = cur[key];
    else return undefined;
  }
  return cur;
}

/** Removes a nested key and then any parent objects the removal left empty. */
export function deletePath(obj: JsonObject, path: readonly string[]): void {
  if (path.length === 0) return;
  const parents: JsonObject[] = [obj];
  let cur: unknown = obj;
  for (const key of path.slice(0, -1)) {
    if (!isObject(cur)) return;
    cur = cur[key];
    if (!isObject(cur)) return;
    parents.push(cur);
  }
  delete parents[parents.length - 1][path[path.length - 1]];
  for (let i = parents.length - 1; i > 0; i--) {
    if (Object.keys(parents[i]).length > 0) break;
    delete parents[i - 1][path[i - 1]];
  }
}

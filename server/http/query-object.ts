/**
 * A query string's parameters as the object the route's query schema validates: a key given once is a
 * string, a repeated key an array of its values in order. One pass over the entries (the A/B assignment
 * path runs this on every request). A `__proto__` key is ignored: it cannot be an own property of a plain
 * object, and assigning it would replace the object's prototype.
 */
export function queryObject(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of search) {
    if (key === '__proto__') continue;
    if (!Object.hasOwn(out, key)) {
      out[key] = value;
      continue;
    }
    const seen = out[key];
    if (typeof seen === 'string') out[key] = [seen, value];
    else seen.push(value);
  }
  return out;
}

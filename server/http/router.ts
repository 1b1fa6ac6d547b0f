import type { HttpMethod, RestRoute } from './route';

/** A template segment: a literal to compare, or a parameter (its name) that takes any non-empty segment. */
type Segment = { literal: string } | { param: string };

interface CompiledRoute {
  route: RestRoute;
  segments: Segment[];
  params: number;
}

export interface RouteMatch {
  route: RestRoute;
  params: Record<string, string>;
}

/**
 * Matches a method and a path (relative to /api/v1) against route templates; literals beat parameters.
 * Templates are compared segment by segment against the routes with the same number of segments, so a
 * request costs a few string comparisons instead of one regular expression per route (the A/B
 * assignment path is served tens of thousands of times a second).
 */
export class RestRouter {
  private bySegmentCount = new Map<number, CompiledRoute[]>();

  constructor(readonly routes: RestRoute[]) {
    const compiled = routes
      .map((route) => {
        const segments = splitPath(route.path).map((s): Segment => {
          const param = /^\{(\w+)\}$/.exec(s);
          if (param) return { param: param[1] };
          if (s.includes('{')) throw new Error(`Route ${route.path}: a parameter must be a whole segment`);
          return { literal: s };
        });
        return { route, segments, params: segments.filter((s) => 'param' in s).length };
      })
      // Fewer parameters first, so "/models/compare" wins over "/models/{model_id}" (sort is stable).
      .sort((a, b) => a.params - b.params);
    for (const c of compiled) {
      const bucket = this.bySegmentCount.get(c.segments.length) ?? [];
      bucket.push(c);
      this.bySegmentCount.set(c.segments.length, bucket);
    }
  }

  match(method: string, path: string): RouteMatch | { allowed: HttpMethod[] } | null {
    const segments = splitPath(path);
    const candidates = this.bySegmentCount.get(segments.length);
    if (!candidates) return null;
    const allowed: HttpMethod[] = [];
    for (const c of candidates) {
      if (!matches(c.segments, segments)) continue;
      if (c.route.method !== method) {
        allowed.push(c.route.method);
        continue;
      }
      const params: Record<string, string> = {};
      c.segments.forEach((s, i) => {
        if ('param' in s) params[s.param] = safeDecode(segments[i]);
      });
      return { route: c.route, params };
    }
    return allowed.length ? { allowed } : null;
  }
}

/** `/a/b/` and `/a/b` are the same path; `/` has no segments. An empty inner segment never matches a template. */
function splitPath(path: string): string[] {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed === '' ? [] : trimmed.slice(trimmed.startsWith('/') ? 1 : 0).split('/');
}

function matches(template: Segment[], segments: string[]): boolean {
  for (let i = 0; i < template.length; i++) {
    const t = template[i];
    const s = segments[i];
    if ('literal' in t ? t.literal !== s : s === '') return false;
  }
  return true;
}

function safeDecode(s: string) {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

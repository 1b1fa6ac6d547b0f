import type { HttpMethod, RestRoute } from './route';

interface CompiledRoute {
  route: RestRoute;
  regex: RegExp;
  names: string[];
}

export interface RouteMatch {
  route: RestRoute;
  params: Record<string, string>;
}

/** Matches a method and a path (relative to /api/v1) against route templates; literals beat parameters. */
export class RestRouter {
  private compiled: CompiledRoute[];

  constructor(readonly routes: RestRoute[]) {
    this.compiled = routes
      .map((route) => {
        const names: string[] = [];
        const pattern = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
          names.push(name);
          return '([^/]+)';
        });
        return { route, regex: new RegExp(`^${pattern}/?$`), names };
      })
      // Fewer parameters first, so "/models/compare" wins over "/models/{model_id}".
      .sort((a, b) => a.names.length - b.names.length);
  }

  match(method: string, path: string): RouteMatch | { allowed: HttpMethod[] } | null {
    const allowed: HttpMethod[] = [];
    for (const c of this.compiled) {
      const m = c.regex.exec(path);
      if (!m) continue;
      if (c.route.method !== method) {
        allowed.push(c.route.method);
        continue;
      }
      const params: Record<string, string> = {};
      c.names.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1]);
      });
      return { route: c.route, params };
    }
    return allowed.length ? { allowed } : null;
  }
}

function safeDecode(s: string) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

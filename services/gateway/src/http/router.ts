import type { Route } from '@govrnanza/topology';

/** A matched route with its path parameters. */
export interface Match {
  route: Route;
  params: Record<string, string>;
}

/** The outcome of routing: a match, a path known under other methods (405), or nothing (404). */
export type RouteResult = { kind: 'match'; match: Match } | { kind: 'method'; allow: string[] } | { kind: 'none' };

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

/** Compiles route templates (`/v1/orgs/{org}`) once; `route(method, path)` finds the match. */
export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      return { route, pattern: new RegExp(`^${source}/?$`), names };
    });
  }

  route(method: string, path: string): RouteResult {
    const allow: string[] = [];
    for (const c of this.compiled) {
      const m = c.pattern.exec(path);
      if (!m) continue;
      if (c.route.method !== method) {
        allow.push(c.route.method);
        continue;
      }
      const params: Record<string, string> = {};
      c.names.forEach((n, i) => (params[n] = safeDecode(m[i + 1]!)));
      return { kind: 'match', match: { route: c.route, params } };
    }
    return allow.length > 0 ? { kind: 'method', allow } : { kind: 'none' };
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

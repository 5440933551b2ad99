import { httpTarget, runOpenLoop, type LoadReport } from '@govrnanza/loadgen';
import type { RouteLoad } from './experimentFile';

/** One route's load in a phase, and what it measured. */
export interface RouteRun {
  route: string;
  path: string;
  rate: number;
  report: LoadReport;
}

/** How to load the gateway in one phase. */
export interface PhaseLoad {
  host: string;
  port: number;
  routes: readonly RouteLoad[];
  /** Path of each route. */
  pathOf: (route: string) => string;
  arrival: 'fixed' | 'poisson';
  durationMs: number;
  timeoutMs: number;
  /** Stops sending new requests (those in flight still end). */
  signal?: AbortSignal;
}

/**
 * Sends each route its own open-loop load, all routes at once, and resolves
 * with one report per route once every request has ended. Routes run on their
 * own connections, so a slow route's queue cannot delay another's sends.
 */
export async function loadRoutes(load: PhaseLoad): Promise<RouteRun[]> {
  return Promise.all(
    load.routes.map(async (r) => {
      const path = load.pathOf(r.route);
      const target = httpTarget({ host: load.host, port: load.port, requests: [{ path }] });
      try {
        const report = await runOpenLoop({ target, rate: r.rate, arrival: load.arrival, durationMs: load.durationMs, timeoutMs: load.timeoutMs, ...(load.signal ? { signal: load.signal } : {}) });
        return { route: r.route, path, rate: r.rate, report };
      } finally {
        await target.close();
      }
    }),
  );
}

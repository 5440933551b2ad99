import type { ExpositionSample } from '@govrnanza/telemetry';
import { routeTree, type CallNode } from '@govrnanza/chaincost';
import { BACKENDS } from '@govrnanza/topology';
import { attemptsReceived, measureEdge, retryBudgetShare, type EdgeMeasurement } from './edgeMeasurement';
import { sumBy } from './metricQuery';
import type { EdgePressure } from './resultTypes';

/** The edges (caller, downstream, method) that made logical calls or attempts in a window. */
function edgeLabels(samples: readonly ExpositionSample[]): { caller: string; downstream: string; method: string }[] {
  const seen = new Map<string, { caller: string; downstream: string; method: string }>();
  for (const s of samples) {
    if (s.name !== 'govrnanza_client_calls_total' && s.name !== 'grpc_client_handled_total') continue;
    if (!(s.value > 0)) continue;
    const { service: caller, downstream, grpc_method: method } = s.labels;
    if (caller && downstream && method) seen.set(`${caller}->${downstream}.${method}`, { caller, downstream, method });
  }
  return [...seen.values()];
}

/** Every edge measured in a window, by key ('caller->downstream.Method'). */
export function measurementsOf(samples: readonly ExpositionSample[]): Map<string, EdgeMeasurement> {
  return new Map(edgeLabels(samples).map((e) => [`${e.caller}->${e.downstream}.${e.method}`, measureEdge(samples, e.caller, e.downstream, e.method)]));
}

/** The share of retries each caller's budget let through, by 'caller->downstream'. */
export function budgetSharesOf(samples: readonly ExpositionSample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of edgeLabels(samples)) out.set(`${e.caller}->${e.downstream}`, retryBudgetShare(samples, e.caller, e.downstream));
  return out;
}

/** Attempts each back-end received per request sent to the gateway. */
export function attemptsPerRequestOf(samples: readonly ExpositionSample[], requests: number): Record<string, number> {
  const out: Record<string, number> = {};
  if (requests > 0) for (const b of BACKENDS) out[b] = attemptsReceived(samples, b) / requests;
  return out;
}

/** Degraded parts per request, by part (owners, org_status, resources, users), from every service's fallback counter. */
export function degradedPerRequestOf(samples: readonly ExpositionSample[], requests: number): Record<string, number> {
  const byPart = sumBy(samples, 'govrnanza_fallbacks_total', {}, 'part');
  const out: Record<string, number> = {};
  if (requests > 0) for (const [part, n] of Object.entries(byPart)) if (n > 0) out[part] = n / requests;
  return out;
}

/** How hard each edge was pressed during a window of `windowMs`. */
export function pressureOf(measurements: ReadonlyMap<string, EdgeMeasurement>, windowMs: number): EdgePressure[] {
  const seconds = windowMs / 1000;
  return [...measurements.values()]
    .filter((m) => m.calls > 0)
    .map((m) => {
      const callsPerSecond = m.calls / seconds;
      const meanCallMs = m.callMeanMs ?? 0;
      return {
        key: m.key,
        callsPerSecond,
        attemptsPerCall: m.attempts / m.calls,
        callSuccess: (m.callCodes.OK ?? 0) / m.calls,
        meanCallMs,
        inFlight: (callsPerSecond * meanCallMs) / 1000,
        refused: m.refused / m.calls,
      };
    });
}

/**
 * The share of each route's requests answered degraded, from the fallback
 * counters of the services on its path. A service's fallbacks count for a
 * route only when no other loaded route passes through that service (else
 * they cannot be told apart, and the route gets none); a request degraded in
 * two parts counts twice, so this is an upper bound.
 */
export function degradedByRoute(samples: readonly ExpositionSample[], completed: Readonly<Record<string, number>>): Record<string, number> {
  const callersOf = new Map(Object.keys(completed).map((route) => [route, callers(routeTree(route))]));
  const bySource = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== 'govrnanza_fallbacks_total' || !(s.value > 0)) continue;
    bySource.set(s.labels.service ?? '', (bySource.get(s.labels.service ?? '') ?? 0) + s.value);
  }
  const out: Record<string, number> = {};
  for (const route of Object.keys(completed)) out[route] = 0;
  for (const [service, n] of bySource) {
    const routes = [...callersOf].filter(([, set]) => set.has(service)).map(([route]) => route);
    if (routes.length === 1) out[routes[0]!]! += n;
  }
  for (const route of Object.keys(out)) out[route] = completed[route]! > 0 ? Math.min(1, out[route]! / completed[route]!) : 0;
  return out;
}

function callers(node: CallNode, into = new Set<string>()): Set<string> {
  if (node.stages.length > 0) into.add(node.service);
  for (const stage of node.stages) for (const e of stage) callers(e.callee, into);
  return into;
}

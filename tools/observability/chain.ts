import { callsOf, type Call, type Route, type ServiceName } from '@govrnanza/topology';

/** One synchronous call made, directly or transitively, while serving a gateway route. */
export interface ChainCall extends Call {
  /** The service making the call (`gateway` for the route's own calls). */
  caller: ServiceName;
  /** 0 for the gateway's calls, 1 for the calls those make, and so on. */
  depth: number;
}

/** Every call a route makes, depth first, in the topology's declaration order. */
export function routeChain(route: Route): ChainCall[] {
  const out: ChainCall[] = [];
  const walk = (caller: ServiceName, calls: readonly Call[], depth: number): void => {
    for (const call of calls) {
      out.push({ ...call, caller, depth });
      walk(call.downstream, callsOf(call.downstream, call.method), depth + 1);
    }
  };
  walk('gateway', route.calls, 0);
  return out;
}

/**
 * The calls whose success ratios multiply into a route's predicted
 * availability. A caller's measured success ratio already contains the
 * failures its callee propagates, i.e. those of the callee's calls without a
 * fallback; multiplying those in again would count one failure once per hop
 * it crosses. So the product takes the route's own calls, and every call with
 * a fallback (whose failures its caller masks): the availability the chain
 * would have if no fallback existed. It follows the topology's declared
 * policy; with registry set to fail closed, account's failures are counted twice.
 */
export function predictionFactors(route: Route): ChainCall[] {
  return routeChain(route).filter((c) => c.depth === 0 || c.fallback !== undefined);
}

/** A short label for a call, e.g. `registry → profile BatchGetProfiles`. */
export function callLabel(c: ChainCall): string {
  return `${c.caller} → ${c.downstream} ${c.method}`;
}

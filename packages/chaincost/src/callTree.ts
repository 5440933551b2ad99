import { METHOD_CALLS, ROUTES, type Call, type Route } from '@govrnanza/topology';

/** A service handling one request: its own work, then its downstream calls stage by stage. */
export interface CallNode {
  /** 'gateway' at a route's root, else the back-end (or a lab's made-up service). */
  service: string;
  /** The gRPC method, or the route id at the gateway. */
  method: string;
  /** Calls grouped by stage, in stage order: stages run one after another, calls within one in parallel. */
  stages: CallEdge[][];
}

/** One call from a node to a downstream method. */
export interface CallEdge {
  /** `caller->downstream.Method`, e.g. 'registry->account.GetOrganization': the key of its measured stats and policy. */
  key: string;
  /** A failure of this call does not fail the caller (it degrades, or fails open). */
  fallback?: 'degrade' | 'fail-open';
  callee: CallNode;
}

/** Options of {@link routeTree}. */
export interface CallTreeOptions {
  /** Include calls marked `conditional` (made only on some requests); default false. */
  includeConditional?: boolean;
  /** The method call graph; default the topology's METHOD_CALLS. */
  methodCalls?: Readonly<Record<string, readonly Call[]>>;
}

/** The key of an edge's measured stats and policy: 'caller->downstream.Method'. */
export function edgeKey(caller: string, downstream: string, method: string): string {
  return `${caller}->${downstream}.${method}`;
}

/**
 * The call tree of a gateway route, from the topology: ROUTES give the
 * gateway's calls, METHOD_CALLS each back-end method's, recursively.
 * @throws Error for an unknown route id or a cycle in the call graph.
 */
export function routeTree(route: Route | string, options: CallTreeOptions = {}): CallNode {
  const r = typeof route === 'string' ? ROUTES.find((x) => x.id === route) : route;
  if (!r) throw new Error(`unknown route "${String(route)}"; routes: ${ROUTES.map((x) => x.id).join(', ')}`);
  return node('gateway', r.id, r.calls, options, []);
}

/** The call tree below one back-end method, e.g. methodTree('registry', 'GetApi'). */
export function methodTree(service: string, method: string, options: CallTreeOptions = {}): CallNode {
  const calls = (options.methodCalls ?? METHOD_CALLS)[`${service}.${method}`] ?? [];
  return node(service, method, calls, options, []);
}

function node(service: string, method: string, calls: readonly Call[], options: CallTreeOptions, path: string[]): CallNode {
  const here = `${service}.${method}`;
  if (path.includes(here)) throw new Error(`the call graph has a cycle: ${[...path, here].join(' → ')}`);
  const kept = calls.filter((c) => options.includeConditional || !c.conditional);
  const stageNumbers = [...new Set(kept.map((c) => c.stage))].sort((a, b) => a - b);
  const stages = stageNumbers.map((stage) =>
    kept
      .filter((c) => c.stage === stage)
      .map((c): CallEdge => {
        const downstream = (options.methodCalls ?? METHOD_CALLS)[`${c.downstream}.${c.method}`] ?? [];
        const callee = node(c.downstream, c.method, downstream, options, [...path, here]);
        return { key: edgeKey(service, c.downstream, c.method), ...(c.fallback ? { fallback: c.fallback } : {}), callee };
      }),
  );
  return { service, method, stages };
}

/** Every edge key of a tree, each once, in depth-first order. */
export function edgeKeysOf(tree: CallNode): string[] {
  const keys = new Set<string>();
  const visit = (n: CallNode): void => {
    for (const stage of n.stages) {
      for (const e of stage) {
        keys.add(e.key);
        visit(e.callee);
      }
    }
  };
  visit(tree);
  return [...keys];
}

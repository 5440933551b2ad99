import { edgeKey, type CallEdge, type CallNode } from './callTree';

/** Options of {@link fanOutTree}. */
export interface FanOutOptions {
  /** Parallel calls to the same downstream; an integer ≥ 1 (the experiments use 1, 3, 6). */
  n: number;
  /** Default 'gateway'. */
  caller?: string;
  /** Default 'fanOut'. */
  callerMethod?: string;
  /** Default 'account'. */
  downstream?: string;
  /** Default 'GetOrganization'. */
  method?: string;
  /** A failure of one call does not fail the request; default none. */
  fallback?: 'degrade' | 'fail-open';
}

/**
 * The fan-out lab's shape: one request calling the same downstream method n
 * times in parallel (one stage). All n calls share one edge key, so one measured
 * histogram serves them all; the model draws each call independently, which is
 * what makes the tail grow as 1 − (1 − p)ⁿ.
 */
export function fanOutTree(options: FanOutOptions): CallNode {
  if (!Number.isInteger(options.n) || options.n < 1) throw new RangeError(`fan-out n must be an integer ≥ 1, got ${options.n}`);
  const caller = options.caller ?? 'gateway';
  const downstream = options.downstream ?? 'account';
  const method = options.method ?? 'GetOrganization';
  const key = edgeKey(caller, downstream, method);
  const call = (): CallEdge => ({
    key,
    ...(options.fallback ? { fallback: options.fallback } : {}),
    callee: { service: downstream, method, stages: [] },
  });
  return { service: caller, method: options.callerMethod ?? 'fanOut', stages: [Array.from({ length: options.n }, call)] };
}

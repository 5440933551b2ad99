import type { Distribution } from './Distribution';

/**
 * What was measured on one edge (one hop). By default the figures are the hop's
 * own: its success ratio leaves out failures of the callee's own downstream
 * calls, and its latency leaves out the time the callee spends waiting on them
 * (both are modelled from the edges below). For a leaf callee that is simply
 * the call as measured.
 */
export interface EdgeStats {
  /** Probability that one attempt succeeds by itself, in [0, 1]; default 1. */
  successRatio?: number;
  /** Latency of one attempt, ms; default 0. */
  latency?: Distribution;
  /**
   * The figures cover the whole call, the callee's downstream calls included
   * (e.g. measured by the caller's client): the model does not descend below
   * this edge. Default false.
   */
  inclusive?: boolean;
  /**
   * Share of calls the caller's own policies refuse before any attempt (an open
   * circuit breaker, a full bulkhead), in [0, 1]: such a call fails at once
   * (0 ms) and is never retried. Default 0.
   */
  rejectedRatio?: number;
}

/** Retries of a call, as a client policy makes them. */
export interface RetryPolicy {
  /** Attempts in all, first included; an integer ≥ 1. */
  maxAttempts: number;
  /** Share of failed attempts that may be retried (e.g. UNAVAILABLE, not FAILED_PRECONDITION); default 1. */
  retryableRatio?: number;
  /** Wait before the 2nd attempt, ms; default 0. */
  backoffMs?: number;
  /** Each further wait is this times the previous; default 1 (constant). */
  backoffMultiplier?: number;
  /** Whether an attempt that timed out is retried; default true. */
  retryOnTimeout?: boolean;
  /**
   * Share of the retries the policy would make that a retry budget lets
   * through, in [0, 1], drawn independently per retry (timeouts included);
   * default 1 (no budget).
   */
  budgetRatio?: number;
}

/** The client policy of one edge. */
export interface CallPolicy {
  /** Per-attempt timeout, ms: an attempt slower than this fails at this time. Default none. */
  timeoutMs?: number;
  retry?: RetryPolicy;
}

/** The inputs of the chain-cost model. */
export interface ChainModel {
  /** Measured stats by edge key ('caller->downstream.Method'). An edge without stats is ideal (always succeeds, 0 ms). */
  edges: Readonly<Record<string, EdgeStats>>;
  /** Client policies by edge key. */
  policies?: Readonly<Record<string, CallPolicy>>;
  /** The policy of edges without their own; default none (no timeout, no retry). */
  defaultPolicy?: CallPolicy;
  /**
   * A node's own service time (its work, not waiting on calls), ms, by
   * 'service.Method' or 'service' (the former wins). Optional: default 0.
   */
  serviceTimes?: Readonly<Record<string, Distribution>>;
}

/** How one downstream is called. Every field has a production default. */
export interface DownstreamPolicyOptions {
  /** Time kept back from the caller's deadline for this hop's own work (e.g. answering after a fallback), in ms. Default 20. */
  marginMs: number;
  /** A call with less time than this left (after the margin) fails fast with DEADLINE_EXCEEDED, in ms. Default 5. */
  minCallMs: number;
  /** Deadline of each attempt, in ms (never past the call's deadline); 0 = the call's deadline. Default 300. */
  attemptTimeoutMs: number;
  /** Retries after the first attempt. Default 2 (3 attempts). */
  maxRetries: number;
  /** First backoff, in ms; grows exponentially with decorrelated jitter. Default 25. */
  backoffInitialMs: number;
  /** Longest backoff, in ms. Default 200. */
  backoffMaxMs: number;
  /** Retries (and hedges) as a fraction of requests. Default 0.2. */
  retryBudgetRatio: number;
  /** Retries always allowed per 10 s window. Default 3. */
  retryBudgetMinPerWindow: number;
  /** Calls in flight at once before queueing. Default 64. */
  bulkheadLimit: number;
  /** Calls waiting for a slot before rejection. Default 128. */
  bulkheadQueue: number;
  /** Breaker opens when more than this fraction of calls fail in the sampling window. Default 0.5. */
  breakerThreshold: number;
  /** Breaker sampling window, in ms. Default 5 000. */
  breakerWindowMs: number;
  /** Minimum calls per second in the window before the breaker may open. Default 2. */
  breakerMinRps: number;
  /** Time an open breaker waits before a half-open probe, in ms. Default 2 000. */
  breakerHalfOpenAfterMs: number;
  /** Hedge idempotent reads: send a second attempt after this many ms; 0 = off (default). */
  hedgeDelayMs: number;
}

export const DEFAULT_POLICY: Readonly<DownstreamPolicyOptions> = {
  marginMs: 20,
  minCallMs: 5,
  attemptTimeoutMs: 300,
  maxRetries: 2,
  backoffInitialMs: 25,
  backoffMaxMs: 200,
  retryBudgetRatio: 0.2,
  retryBudgetMinPerWindow: 3,
  bulkheadLimit: 64,
  bulkheadQueue: 128,
  breakerThreshold: 0.5,
  breakerWindowMs: 5_000,
  breakerMinRps: 2,
  breakerHalfOpenAfterMs: 2_000,
  hedgeDelayMs: 0,
};

/** Circuit breaker states as exported in metrics: 0 closed, 1 half-open, 2 open. */
export type BreakerState = 'closed' | 'half_open' | 'open';

/** Why a fallback was taken; a bounded set, used as a metric label. */
export type FallbackReason = 'unavailable' | 'deadline' | 'circuit_open' | 'bulkhead' | 'error';

/**
 * What the resilience layer reports about one downstream. Telemetry turns
 * these into metrics and span events; tests record them. Every method must be
 * cheap: they run on the request path.
 */
export interface ResilienceEvents {
  /** A logical call ended (after retries/hedges), with its gRPC code and duration in seconds. */
  call(method: string, code: number, seconds: number): void;
  /** The budget left when a call started, in seconds. */
  budgetLeft(method: string, seconds: number): void;
  retry(method: string, attempt: number, code: number): void;
  hedge(method: string): void;
  retryBudgetExhausted(method: string): void;
  deadlineExceeded(method: string): void;
  breakerState(state: BreakerState): void;
  bulkheadRejected(): void;
  fallback(part: string, reason: FallbackReason): void;
  failOpen(decision: 'allow' | 'deny'): void;
}

/** Events that go nowhere. */
export const NO_EVENTS: ResilienceEvents = {
  call() {},
  budgetLeft() {},
  retry() {},
  hedge() {},
  retryBudgetExhausted() {},
  deadlineExceeded() {},
  breakerState() {},
  bulkheadRejected() {},
  fallback() {},
  failOpen() {},
};

import type { Context } from '@opentelemetry/api';

/** Circuit breaker states as exported in metrics: 0 closed, 1 half-open, 2 open. */
export type BreakerState = 'closed' | 'half_open' | 'open';

/** Why a fallback was taken; a bounded set, used as a metric label. */
export type FallbackReason = 'unavailable' | 'deadline' | 'circuit_open' | 'bulkhead' | 'error';

/**
 * What the resilience layer reports about one downstream. Telemetry turns
 * these into metrics and span events; tests record them. Every method must be
 * cheap: they run on the request path. Events of one call carry that call's
 * trace context (`CallContext.trace`): span events go to its span, and
 * latency samples link to its trace.
 */
export interface ResilienceEvents {
  /** A logical call ended (after retries/hedges), with its gRPC code and duration in seconds. */
  call(trace: Context, method: string, code: number, seconds: number): void;
  /** The budget left when a call started, in seconds. */
  budgetLeft(trace: Context, method: string, seconds: number): void;
  retry(trace: Context, method: string, attempt: number, code: number): void;
  hedge(trace: Context, method: string): void;
  retryBudgetExhausted(trace: Context, method: string): void;
  deadlineExceeded(trace: Context, method: string): void;
  /** The breaker changed state (not tied to one call). */
  breakerState(state: BreakerState): void;
  bulkheadRejected(trace: Context): void;
  fallback(trace: Context, part: string, reason: FallbackReason): void;
  failOpen(trace: Context, decision: 'allow' | 'deny'): void;
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

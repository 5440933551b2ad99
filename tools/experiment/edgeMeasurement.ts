import type { Bucket } from '@govrnanza/chaincost';
import type { ExpositionSample } from '@govrnanza/telemetry';
import { bucketsOf, meanMsOf, sumBy, sumOf } from './metricQuery';

/**
 * What one edge (caller → downstream.Method) did during a window, from the
 * caller's metrics: its attempts on the wire (grpc_client_*) and its logical
 * calls as the calling code saw them (govrnanza_client_*, after retries, the
 * breaker and the bulkhead).
 */
export interface EdgeMeasurement {
  /** 'caller->downstream.Method' */
  key: string;
  caller: string;
  downstream: string;
  method: string;
  attempts: number;
  /** Attempts by grpc_code (Go spelling: OK, Unavailable, DeadlineExceeded, …). */
  attemptCodes: Record<string, number>;
  /** Cumulative buckets of attempt latency, `le` in seconds. */
  attemptBuckets: Bucket[];
  attemptMeanMs: number | undefined;
  calls: number;
  callCodes: Record<string, number>;
  callMeanMs: number | undefined;
  retries: number;
  hedges: number;
  /** Logical calls that never made an attempt (open breaker, full bulkhead, no time left): calls − first attempts. */
  refused: number;
}

/** The figures of one edge in a window of diffed samples (all services' samples together). */
export function measureEdge(samples: readonly ExpositionSample[], caller: string, downstream: string, method: string): EdgeMeasurement {
  const labels = { service: caller, downstream, grpc_method: method };
  const attemptCodes = sumBy(samples, 'grpc_client_handled_total', labels, 'grpc_code');
  const callCodes = sumBy(samples, 'govrnanza_client_calls_total', labels, 'grpc_code');
  const attempts = total(attemptCodes);
  const calls = total(callCodes);
  const retries = sumOf(samples, 'govrnanza_client_retries_total', labels);
  const hedges = sumOf(samples, 'govrnanza_client_hedges_total', labels);
  return {
    key: `${caller}->${downstream}.${method}`,
    caller,
    downstream,
    method,
    attempts,
    attemptCodes,
    attemptBuckets: bucketsOf(samples, 'grpc_client_handling_seconds', labels),
    attemptMeanMs: meanMsOf(samples, 'grpc_client_handling_seconds', labels),
    calls,
    callCodes,
    callMeanMs: meanMsOf(samples, 'govrnanza_client_call_seconds', labels),
    retries,
    hedges,
    refused: Math.max(0, calls - (attempts - retries - hedges)),
  };
}

/**
 * The share of retries a caller's retry budget let through towards one
 * downstream (the budget is per downstream, shared by its methods): retries
 * made / (made + refused by the budget). 1 when none was wanted.
 */
export function retryBudgetShare(samples: readonly ExpositionSample[], caller: string, downstream: string): number {
  const made = sumOf(samples, 'govrnanza_client_retries_total', { service: caller, downstream });
  const refused = sumOf(samples, 'govrnanza_retry_budget_exhausted_total', { service: caller, downstream });
  return made + refused > 0 ? made / (made + refused) : 1;
}

/** Attempts a back-end received (every method), from its server metrics. */
export function attemptsReceived(samples: readonly ExpositionSample[], service: string): number {
  return sumOf(samples, 'grpc_server_started_total', { service });
}

function total(byCode: Record<string, number>): number {
  return Object.values(byCode).reduce((a, b) => a + b, 0);
}

import type { Context } from '@opentelemetry/api';
import type { BackendName } from '@govrnanza/topology';
import { grpcMethodOf } from './grpcMethod';
import type { Metrics } from './metrics';
import { traceExemplar } from './traceExemplar';

/**
 * Records the attempts on the wire of one downstream method
 * (go-grpc-prometheus client semantics): a logical call retried or hedged by
 * the resilience layer counts once per attempt here; the per-call view is
 * `Metrics.recordClientCall`.
 */
export interface AttemptRecorder {
  /** An attempt was sent (grpc_client_started_total). */
  started(): void;
  /**
   * The attempt ended with `code` after `seconds` (grpc_client_handled_total,
   * grpc_client_handling_seconds); its latency links to the trace of
   * `trace` when that span is sampled (the attempt's client span).
   */
  finished(code: number, seconds: number, trace: Context): void;
}

/** The attempt recorder of each method of one downstream, built once per method when its client is built. */
export type AttemptMetrics = (path: string) => AttemptRecorder;

/**
 * Per-attempt client metrics of `downstream` in `metrics`. The resilience
 * layer's `unaryCall` reports each attempt it makes: no grpc-js interceptor
 * runs per call.
 */
export function attemptMetrics(metrics: Metrics, downstream: BackendName): AttemptMetrics {
  return (path) => {
    const method = grpcMethodOf(path, false, false);
    return {
      started: () => metrics.recordClientStarted(downstream, method),
      finished: (code, seconds, trace) => metrics.recordClientHandled(downstream, method, code, seconds, traceExemplar(trace) ?? null),
    };
  };
}

import { InterceptingCall, type Deadline, type Interceptor } from '@grpc/grpc-js';
import { trace } from '@opentelemetry/api';
import type { BackendName } from '@govrnanza/topology';
import { grpcMethodOf } from './grpcMethod';
import type { Metrics } from './metrics';
import { traceExemplar } from './traceExemplar';

/** Span attribute: milliseconds between the attempt's start and its deadline (absent when the call has none). */
export const BUDGET_LEFT_ATTRIBUTE = 'govrnanza.deadline.budget_left_ms';

/**
 * A grpc-js client interceptor recording one sample per attempt on the wire
 * (go-grpc-prometheus client semantics): grpc_client_started_total,
 * grpc_client_handled_total and grpc_client_handling_seconds, labelled with
 * `downstream` and the method path. Every call made through the client is an
 * attempt, so a logical call retried or hedged by the resilience layer counts
 * once per attempt here; the per-call view is `Metrics.recordClientCall`.
 *
 * It also sets `govrnanza.deadline.budget_left_ms` on the span active when
 * the call is made. With @opentelemetry/instrumentation-grpc that is the
 * attempt's client span: the instrumentation starts the span and makes the
 * call inside its context, and grpc-js runs interceptors synchronously while
 * creating the call. The trace exemplar is captured at the same moment,
 * because the status arrives later outside that context.
 *
 * Statuses, messages and metadata pass through unchanged.
 */
export function clientMetricsInterceptor(metrics: Metrics, downstream: BackendName): Interceptor {
  return (options, nextCall) => {
    const definition = options.method_definition;
    const method = grpcMethodOf(definition.path, definition.requestStream, definition.responseStream);
    const exemplar = traceExemplar() ?? null;
    markBudgetLeft(options.deadline);
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        const startedAt = performance.now();
        metrics.recordClientStarted(downstream, method);
        next(metadata, {
          onReceiveStatus(status, nextStatus) {
            metrics.recordClientHandled(downstream, method, status.code, (performance.now() - startedAt) / 1000, exemplar);
            nextStatus(status);
          },
        });
      },
    });
  };
}

function markBudgetLeft(deadline: Deadline | undefined): void {
  if (deadline === undefined) return;
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
  if (!Number.isFinite(deadlineMs)) return;
  const span = trace.getActiveSpan();
  if (span?.isRecording()) span.setAttribute(BUDGET_LEFT_ATTRIBUTE, deadlineMs - Date.now());
}

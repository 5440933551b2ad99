import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import type { BackendName } from '@govrnanza/topology';
import { grpcMethodOf } from './grpcMethod';
import type { Metrics } from './metrics';
import { traceExemplar } from './traceExemplar';

/**
 * A grpc-js client interceptor recording one sample per attempt on the wire
 * (go-grpc-prometheus client semantics): grpc_client_started_total,
 * grpc_client_handled_total and grpc_client_handling_seconds, labelled with
 * `downstream` and the method path. Every call made through the client is an
 * attempt, so a logical call retried or hedged by the resilience layer counts
 * once per attempt here; the per-call view is `Metrics.recordClientCall`.
 *
 * The trace exemplar is taken from the span active when the call is made:
 * the attempt's client span when it records (see `unaryCall`, which makes
 * the call inside it; grpc-js runs interceptors synchronously while creating
 * the call), because the status arrives later outside that context.
 *
 * Statuses, messages and metadata pass through unchanged.
 */
export function clientMetricsInterceptor(metrics: Metrics, downstream: BackendName): Interceptor {
  return (options, nextCall) => {
    const definition = options.method_definition;
    const method = grpcMethodOf(definition.path, definition.requestStream, definition.responseStream);
    const exemplar = traceExemplar() ?? null;
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

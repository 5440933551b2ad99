import { ServerInterceptingCall, type ServerInterceptor } from '@grpc/grpc-js';
import { abandonedCallCode } from './abandonedCallCode';
import { grpcMethodOf } from './grpcMethod';
import type { Metrics } from './metrics';
import { traceExemplar, type TraceExemplar } from './traceExemplar';

/**
 * A grpc-js server interceptor (pass it to `new Server({ interceptors })`)
 * recording the go-grpc-prometheus server families: started, handled (by
 * code), handling seconds, messages received and sent. Labels come only from
 * the method path. It observes and passes everything through unchanged.
 *
 * The handled code is the status the handler sends; a call that ends without
 * one (the client cancelled, or grpc-js answered DEADLINE_EXCEEDED itself) is
 * counted as `DeadlineExceeded` when its deadline has passed (give or take
 * `DEADLINE_SLACK_MS`), `Canceled` otherwise (see `abandonedCallCode`). The latency exemplar is the
 * trace of the span active when the response (or else the status) is handed
 * over: the server span, when it is sampled (see telemetry's `tracedHandler`).
 */
export function serverMetricsInterceptor(metrics: Metrics): ServerInterceptor {
  return (descriptor, call) => {
    const method = grpcMethodOf(descriptor.path, descriptor.requestStream, descriptor.responseStream);
    const startedAt = performance.now();
    let finished = false;
    // The trace of the answer, taken when it is handed over (the handler's span is active
    // then); grpc-js sends the status of a successful call later, from the write's callback.
    let exemplar: TraceExemplar | undefined;
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      metrics.recordServerHandled(method, code, (performance.now() - startedAt) / 1000, exemplar ?? traceExemplar() ?? null);
    };
    return new ServerInterceptingCall(call, {
      start(next) {
        metrics.recordServerStarted(method);
        next({
          onReceiveMessage(message, nextMessage) {
            metrics.recordServerMessageReceived(method);
            nextMessage(message);
          },
          // grpc-js also calls this after a normal end; `finish` ignores it then.
          onCancel() {
            finish(abandonedCallCode(call.getDeadline()));
          },
        });
      },
      sendMessage(message, next) {
        exemplar = traceExemplar();
        metrics.recordServerMessageSent(method);
        next(message);
      },
      sendStatus(status, next) {
        finish(status.code);
        next(status);
      },
    });
  };
}

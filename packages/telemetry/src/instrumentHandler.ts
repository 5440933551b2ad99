import { status, type handleUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { abandonedCallCode } from './abandonedCallCode';
import { grpcMethodOf } from './grpcMethod';
import type { Metrics } from './metrics';
import { callerTraceContext, startGrpcServerSpan, tracingActive } from './rpcSpans';
import { traceExemplar } from './traceExemplar';

/**
 * The trace context of a call being served, kept on the call object for the
 * code that adapts the handler (see `traceContextOf`): a property set on
 * every call is cheaper than a WeakMap entry, which the garbage collector
 * must process as an ephemeron.
 */
const TRACE = Symbol('govrnanza.trace');

type Traced = { [TRACE]?: Context };

/**
 * Wraps a unary grpc-js handler in the call's server span (child of the
 * caller's trace context, see `startGrpcServerSpan`), ended with the status
 * sent, and, given `metrics`, records the go-grpc-prometheus server families:
 * started, handled (by code), handling seconds, messages received and sent.
 * Put it outermost, around fault injection too, so an injected delay or abort
 * is part of the span and of the metrics, as it is part of the call.
 *
 * The handler is started, and its answer sent, inside the span when it
 * records (see `ActiveSpan.runInside`); what it answers is unchanged. Code
 * that runs later finds the span through `traceContextOf(call)` (the
 * CallContext's trace), and the latency links to its trace when it is sampled.
 *
 * Without metrics and without a tracer provider (see `tracingActive`) there
 * is nothing to record, and the handler runs as it is.
 *
 * A call that ends without an answer (the client cancelled, or grpc-js
 * answered DEADLINE_EXCEEDED itself) is counted as `DeadlineExceeded` when
 * its deadline has passed, `Canceled` otherwise (see `abandonedCallCode`).
 * As in go-grpc-prometheus, whose interceptors run after the request is
 * decoded, a request grpc-js rejects before any handler (undecodable, too
 * large, unknown method) is not counted; its caller sees the status.
 */
export function instrumentHandler(path: string, handler: handleUnaryCall<unknown, unknown>, metrics?: Metrics): handleUnaryCall<unknown, unknown> {
  const method = grpcMethodOf(path, false, false);
  return (call, callback) => {
    if (metrics === undefined && !tracingActive()) {
      // Nothing to record: the call keeps only its caller's trace context, for the calls it makes.
      const caller = callerTraceContext(call.metadata);
      if (caller !== ROOT_CONTEXT) (call as Traced)[TRACE] = caller;
      return handler(call, callback);
    }
    const startedAt = performance.now();
    const span = startGrpcServerSpan(path, call.metadata);
    (call as Traced)[TRACE] = span.context;
    if (metrics) {
      metrics.recordServerStarted(method);
      metrics.recordServerMessageReceived(method);
    }
    let open = true;
    const end = (code: number): void => {
      if (!open) return;
      open = false;
      metrics?.recordServerHandled(method, code, (performance.now() - startedAt) / 1000, traceExemplar(span.context) ?? null);
      span.end(code);
    };
    const answer: sendUnaryData<unknown> = (err, value, trailer, flags) => {
      const abandoned = call.cancelled;
      if (!err && !abandoned) metrics?.recordServerMessageSent(method);
      // Sent inside the span: code grpc-js runs now sees it.
      span.runInside(() => callback(err, value, trailer, flags));
      end(abandoned ? abandonedCallCode(call.getDeadline()) : err ? (err.code ?? status.UNKNOWN) : status.OK);
    };
    // grpc-js emits 'cancelled' when the call closes, answered or not: this ends the span of a
    // call abandoned before any answer (e.g. during an injected delay), which `answer` never sees.
    call.once('cancelled', () => {
      if (open) end(abandonedCallCode(call.getDeadline()));
    });
    try {
      span.runInside(() => handler(call, answer));
    } catch (err) {
      // grpc-js answers UNKNOWN for a handler that throws.
      end(status.UNKNOWN);
      throw err;
    }
  };
}

/** The trace context `instrumentHandler` gave a call; the empty context for a call it did not wrap. */
export function traceContextOf(call: object): Context {
  return (call as Traced)[TRACE] ?? ROOT_CONTEXT;
}

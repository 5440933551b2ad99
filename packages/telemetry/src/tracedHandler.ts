import { status, type handleUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { abandonedCallCode } from './abandonedCallCode';
import { startGrpcServerSpan } from './rpcSpans';

/** The trace context of each call being served, for the code that adapts the handler (see `traceContextOf`). */
const traceOfCall = new WeakMap<object, Context>();

/**
 * Wraps a unary grpc-js handler in the call's server span (child of the
 * caller's trace context, see `startGrpcServerSpan`), ended with the status
 * sent. Put it outermost, around fault injection too, so an injected delay or
 * abort is part of the span, as it is part of the call. The handler is
 * started, and its answer sent, inside the span when it records (see
 * `ActiveSpan.runInside`); what it answers is unchanged. Code that runs later
 * finds the span through `traceContextOf(call)` (the CallContext's trace).
 */
export function tracedHandler(path: string, handler: handleUnaryCall<unknown, unknown>): handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    const span = startGrpcServerSpan(path, call.metadata);
    traceOfCall.set(call, span.context);
    let open = true;
    const end = (code: number): void => {
      if (!open) return;
      open = false;
      span.end(code);
    };
    const answer: sendUnaryData<unknown> = (err, value, trailer, flags) => {
      // Sent inside the span: the server interceptors run now and see it (the metrics' trace exemplar).
      span.runInside(() => callback(err, value, trailer, flags));
      end(call.cancelled ? abandonedCallCode(call.getDeadline()) : err ? (err.code ?? status.UNKNOWN) : status.OK);
    };
    // grpc-js emits 'cancelled' when the call closes, answered or not: this ends the span of a
    // call abandoned before any answer (e.g. during an injected delay), which `answer` never sees.
    call.once('cancelled', () => end(abandonedCallCode(call.getDeadline())));
    try {
      span.runInside(() => handler(call, answer));
    } catch (err) {
      // grpc-js answers UNKNOWN for a handler that throws.
      end(status.UNKNOWN);
      throw err;
    }
  };
}

/** The trace context `tracedHandler` gave a call; the empty context for a call it did not wrap. */
export function traceContextOf(call: object): Context {
  return traceOfCall.get(call) ?? ROOT_CONTEXT;
}

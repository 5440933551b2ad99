import { status, type handleUnaryCall, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { ROOT_CONTEXT, type Context } from '@opentelemetry/api';
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
    const answer: sendUnaryData<unknown> = (err, value, trailer, flags) => {
      // Sent inside the span: the server interceptors run now and see it (the metrics' trace exemplar).
      span.runInside(() => callback(err, value, trailer, flags));
      span.end(call.cancelled ? abandoned(call) : err ? (err.code ?? status.UNKNOWN) : status.OK);
    };
    span.runInside(() => handler(call, answer));
  };
}

/** The trace context `tracedHandler` gave a call; the empty context for a call it did not wrap. */
export function traceContextOf(call: object): Context {
  return traceOfCall.get(call) ?? ROOT_CONTEXT;
}

/** A call its caller gave up on ends as the caller saw it: past its deadline, DEADLINE_EXCEEDED; otherwise CANCELLED. */
function abandoned(call: ServerUnaryCall<unknown, unknown>): status {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Date.now() >= ms ? status.DEADLINE_EXCEEDED : status.CANCELLED;
}

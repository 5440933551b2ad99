import {
  status,
  type handleUnaryCall,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { traceContextOf } from '@govrnanza/telemetry';
import { CancellationSource } from './cancellation';
import { createCallContext, deadlineToEpochMs, isWellFormedRequestId, requestIdFrom, type CallContext } from './callContext';
import { ServiceError, toStatus } from './errors';
import type { Logger } from './logger';

/** A unary handler: domain code, free of grpc-js types. */
export type UnaryHandler<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res>;

type Method = { path: string; requestDeserialize: (b: Buffer) => unknown; responseSerialize: (v: never) => Buffer };

/** The handler map a service definition calls for: one typed function per method. */
export type HandlersOf<D> = {
  [K in keyof D]: D[K] extends { requestDeserialize: (b: Buffer) => infer Req; responseSerialize: (v: infer Res) => Buffer }
    ? UnaryHandler<Req, Res>
    : never;
};

/**
 * Adapts typed async handlers to grpc-js. This is the server edge: errors
 * become statuses here and nowhere else; unexpected errors are logged with
 * their stack and sent as INTERNAL without it. The call's trace context
 * (its server span, see `instrumentHandler`) becomes the CallContext's.
 */
export function implement<D extends ServiceDefinition>(definition: D, handlers: HandlersOf<D>, log: Logger): UntypedServiceImplementation {
  const impl: UntypedServiceImplementation = {};
  for (const key of Object.keys(definition) as (keyof D & string)[]) {
    const method = definition[key] as unknown as Method;
    impl[key] = adapt(method.path, handlers[key] as UnaryHandler<unknown, unknown>, log);
  }
  return impl;
}

function adapt(path: string, handler: UnaryHandler<unknown, unknown>, log: Logger): handleUnaryCall<unknown, unknown> {
  return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    // Listens for the call's end only once something asks for the cancellation (a downstream call,
    // a handler): a leaf handler adds no listener.
    let answered = false;
    const cancellation = new CancellationSource((source) => {
      // grpc-js emits 'cancelled' when the stream closes, after every call, answered or not:
      // only a call still running is aborted (and only then is the error built).
      const abortIfRunning = (): void => {
        if (!answered) source.abort(cancelledByCaller());
      };
      if (call.cancelled) abortIfRunning();
      else call.once('cancelled', abortIfRunning);
    });
    const trace = traceContextOf(call);
    const given = call.metadata.get('x-request-id')[0];
    // A trace the caller continued is not this call's own: its id is no request id. Looked up only
    // without a usable header (every hop of the stack sends one).
    const ownTrace = isWellFormedRequestId(given) || call.metadata.get('traceparent').length > 0 ? undefined : trace;
    const ctx = createCallContext({
      requestId: requestIdFrom(given, ownTrace),
      deadline: deadlineToEpochMs(call.getDeadline()),
      cancellation,
      log,
      method: path,
      trace,
    });
    handler(call.request, ctx).then(
      (response) => {
        answered = true;
        callback(null, response);
      },
      (err: unknown) => {
        answered = true;
        if (!(err instanceof ServiceError)) ctx.log.error({ err }, 'unhandled error');
        callback(toStatus(err));
      },
    );
  };
}

function cancelledByCaller(): ServiceError {
  return new ServiceError(status.CANCELLED, 'call cancelled by the caller');
}

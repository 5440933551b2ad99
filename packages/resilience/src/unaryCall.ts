import { Metadata, status, type Client, type ClientUnaryCall, type ServiceError as GrpcError } from '@grpc/grpc-js';
import type { Context } from '@opentelemetry/api';
import type { Cancellation } from '@govrnanza/runtime';
import { startGrpcClientSpan, type AttemptRecorder } from '@govrnanza/telemetry';

/** One method of a ts-proto grpc-js service definition. */
export interface MethodDef<Req, Res> {
  path: string;
  requestSerialize: (value: Req) => Buffer;
  responseDeserialize: (bytes: Buffer) => Res;
}

/**
 * One unary call on the wire, as a promise: `deadline` is the gRPC deadline
 * (epoch ms, Infinity for none) and aborting `cancellation` cancels the call. The
 * attempt has its own client span under `parent` (its trace context goes to
 * the server in the metadata), ended with the status; `attempts`, when
 * given, records it in the per-attempt client metrics. `requestId` goes in
 * `x-request-id`.
 * Rejects with the grpc-js ServiceError, status untouched; with CANCELLED,
 * without sending or recording anything, when `cancellation` has already
 * aborted.
 */
export function unaryCall<Req, Res>(
  client: Client,
  method: MethodDef<Req, Res>,
  request: Req,
  requestId: string,
  deadline: number,
  cancellation: Cancellation,
  parent: Context,
  attempts?: AttemptRecorder,
): Promise<Res> {
  // A caller that already gave up (e.g. during a retry's backoff) sends nothing, records no attempt.
  if (cancellation.aborted) return Promise.reject(cancelledBeforeSent());
  const metadata = new Metadata();
  // On every hop, even when it is the trace id: a mesh's proxies make up a new one for a hop without it.
  metadata.set('x-request-id', requestId);
  const span = startGrpcClientSpan(method.path, parent, metadata, deadline);
  const startedAt = performance.now();
  attempts?.started();
  return new Promise<Res>((resolve, reject) => {
    let finished = false;
    let stopListening: (() => void) | undefined;
    const done = (err: GrpcError | null, response?: Res): void => {
      finished = true;
      stopListening?.();
      const code = err ? err.code : status.OK;
      attempts?.finished(code, (performance.now() - startedAt) / 1000, span.context);
      span.end(code, err !== null && cancellation.aborted);
      if (err) reject(err);
      else resolve(response as Res);
    };
    let call: ClientUnaryCall;
    try {
      // Made inside the span when it records: client interceptors, if any, run now and see it.
      call = span.runInside(() =>
        client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, metadata, deadline === Infinity ? {} : { deadline }, done),
      );
    } catch (err) {
      // e.g. a closed channel at shutdown
      attempts?.finished(status.INTERNAL, (performance.now() - startedAt) / 1000, span.context);
      span.end(status.INTERNAL);
      throw err;
    }
    // Cancels at once when already aborted.
    if (!finished) stopListening = cancellation.onAbort(() => call.cancel());
  });
}

/** What a call not sent because its caller had already given up reports (after the downstream's label). */
export const NOT_SENT = 'not sent, the caller gave up';

/** The error of such a call, shaped like grpc-js's own. */
function cancelledBeforeSent(): GrpcError {
  return Object.assign(new Error(`${status.CANCELLED} CANCELLED: ${NOT_SENT}`), { code: status.CANCELLED, details: NOT_SENT, metadata: new Metadata() });
}

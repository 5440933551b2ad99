import { Metadata, status, type Client, type ClientUnaryCall, type ServiceError as GrpcError } from '@grpc/grpc-js';
import type { Context } from '@opentelemetry/api';
import { startGrpcClientSpan } from '@govrnanza/telemetry';

/** One method of a ts-proto grpc-js service definition. */
export interface MethodDef<Req, Res> {
  path: string;
  requestSerialize: (value: Req) => Buffer;
  responseDeserialize: (bytes: Buffer) => Res;
}

/**
 * One unary call on the wire, as a promise: `deadline` is the gRPC deadline
 * (epoch ms, Infinity for none) and aborting `signal` cancels the call. The
 * attempt has its own client span under `parent` (its trace context goes to
 * the server in the metadata), ended with the status.
 * Rejects with the grpc-js ServiceError, status untouched.
 */
export function unaryCall<Req, Res>(
  client: Client,
  method: MethodDef<Req, Res>,
  request: Req,
  requestId: string,
  deadline: number,
  signal: AbortSignal,
  parent: Context,
): Promise<Res> {
  const metadata = new Metadata();
  metadata.set('x-request-id', requestId);
  const span = startGrpcClientSpan(method.path, parent, metadata, deadline);
  return new Promise<Res>((resolve, reject) => {
    const done = (err: GrpcError | null, response?: Res): void => {
      signal.removeEventListener('abort', cancel);
      span.end(err ? err.code : status.OK, err !== null && signal.aborted);
      if (err) reject(err);
      else resolve(response as Res);
    };
    let call: ClientUnaryCall;
    try {
      // Made inside the span when it records: the client interceptors (metrics' trace exemplar) run now, synchronously.
      call = span.runInside(() =>
        client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, metadata, deadline === Infinity ? {} : { deadline }, done),
      );
    } catch (err) {
      // e.g. a closed channel at shutdown
      span.end(status.INTERNAL);
      throw err;
    }
    function cancel(): void {
      call.cancel();
    }
    if (signal.aborted) call.cancel();
    else signal.addEventListener('abort', cancel, { once: true });
  });
}

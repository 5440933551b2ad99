import { Metadata, type Client, type ServiceError as GrpcError } from '@grpc/grpc-js';

/** One method of a ts-proto grpc-js service definition. */
export interface MethodDef<Req, Res> {
  path: string;
  requestSerialize: (value: Req) => Buffer;
  responseDeserialize: (bytes: Buffer) => Res;
}

/**
 * One unary call on the wire, as a promise: `deadline` is the gRPC deadline
 * (epoch ms, Infinity for none) and aborting `signal` cancels the call.
 * Rejects with the grpc-js ServiceError, status untouched.
 */
export function unaryCall<Req, Res>(
  client: Client,
  method: MethodDef<Req, Res>,
  request: Req,
  requestId: string,
  deadline: number,
  signal: AbortSignal,
): Promise<Res> {
  const metadata = new Metadata();
  metadata.set('x-request-id', requestId);
  return new Promise<Res>((resolve, reject) => {
    const call = client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      metadata,
      deadline === Infinity ? {} : { deadline },
      (err: GrpcError | null, response?: Res) => {
        signal.removeEventListener('abort', cancel);
        if (err) reject(err);
        else resolve(response as Res);
      },
    );
    function cancel(): void {
      call.cancel();
    }
    if (signal.aborted) call.cancel();
    else signal.addEventListener('abort', cancel, { once: true });
  });
}

/** go-grpc-prometheus `grpc_type` values. */
export type GrpcType = 'unary' | 'client_stream' | 'server_stream' | 'bidi_stream';

/** The labels of one gRPC method, parsed once from its path and shared by every call to it. */
export interface GrpcMethod {
  /** Full path, e.g. `/govrnanza.account.v1.AccountService/GetOrganization`. */
  readonly path: string;
  /** `grpc_service` label, e.g. `govrnanza.account.v1.AccountService`. */
  readonly service: string;
  /** `grpc_method` label, e.g. `GetOrganization`. */
  readonly name: string;
  /** `grpc_type` label. */
  readonly type: GrpcType;
}

// Paths come from registered handlers and generated clients, so this stays small.
const byPath = new Map<string, GrpcMethod>();

/**
 * The labels of the method at `path`, cached per path: code that runs per call may call this
 * on every call, and after the first call it is one Map lookup.
 */
export function grpcMethodOf(path: string, requestStream: boolean, responseStream: boolean): GrpcMethod {
  let method = byPath.get(path);
  if (method === undefined) {
    method = parseGrpcMethod(path, grpcTypeOf(requestStream, responseStream));
    byPath.set(path, method);
  }
  return method;
}

function grpcTypeOf(requestStream: boolean, responseStream: boolean): GrpcType {
  if (requestStream) return responseStream ? 'bidi_stream' : 'client_stream';
  return responseStream ? 'server_stream' : 'unary';
}

/** `/pkg.Service/Method` → service `pkg.Service`, name `Method`; like go-grpc-prometheus, `unknown` service when malformed. */
function parseGrpcMethod(path: string, type: GrpcType): GrpcMethod {
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  const slash = trimmed.indexOf('/');
  if (slash < 0) return { path, service: 'unknown', name: trimmed, type };
  return { path, service: trimmed.slice(0, slash), name: trimmed.slice(slash + 1), type };
}

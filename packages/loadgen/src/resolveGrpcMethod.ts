import * as contracts from '@govrnanza/contracts';

/** A unary gRPC method of the contracts, found by its full path. */
export interface GrpcMethod {
  /** e.g. '/govrnanza.account.v1.AccountService/GetOrganization'. */
  path: string;
  /** Encodes a request message (ts-proto's `encode`). */
  requestSerialize(message: unknown): Buffer;
  /** Builds a request message from its proto3 JSON form (ts-proto's `fromJSON`). */
  requestFromJSON(json: unknown): unknown;
}

interface MethodDefinition {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize(value: unknown): Buffer;
}

interface MessageFns {
  fromJSON(object: unknown): unknown;
}

interface ProtoMetadata {
  fileDescriptor: { package: string; service: { name: string; method: { name: string; inputType: string }[] }[] };
  references: Record<string, unknown>;
}

/** Every unary method of the contracts by path, built once on first use. */
let index: Map<string, GrpcMethod> | undefined;

/**
 * The contracts' definition of a unary method, by full path
 * ('/package.Service/Method').
 * @throws Error naming the known methods when the path is unknown or not unary.
 */
export function resolveGrpcMethod(path: string): GrpcMethod {
  index ??= buildIndex();
  const method = index.get(path.startsWith('/') ? path : `/${path}`);
  if (!method) {
    throw new Error(`unknown unary gRPC method "${path}"; known methods:\n  ${[...index.keys()].sort().join('\n  ')}`);
  }
  return method;
}

function buildIndex(): Map<string, GrpcMethod> {
  const out = new Map<string, GrpcMethod>();
  for (const namespace of Object.values(contracts)) {
    if (!isNamespace(namespace)) continue;
    const meta = (namespace as { protoMetadata?: ProtoMetadata }).protoMetadata;
    if (!meta) continue;
    const definitions = Object.values(namespace).flatMap(methodDefinitions);
    for (const service of meta.fileDescriptor.service) {
      for (const m of service.method) {
        const path = `/${meta.fileDescriptor.package}.${service.name}/${m.name}`;
        const definition = definitions.find((d) => d.path === path);
        const message = meta.references[m.inputType] as MessageFns | undefined;
        if (!definition || !message || definition.requestStream || definition.responseStream) continue;
        out.set(path, {
          path,
          requestSerialize: (value) => definition.requestSerialize(value),
          requestFromJSON: (json) => message.fromJSON(json),
        });
      }
    }
  }
  return out;
}

function isNamespace(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value);
}

/** The method definitions of a ts-proto grpc-js service definition object, if `value` is one. */
function methodDefinitions(value: unknown): MethodDefinition[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries = Object.values(value as Record<string, unknown>);
  const isDefinition = (e: unknown): e is MethodDefinition =>
    typeof e === 'object' && e !== null && typeof (e as MethodDefinition).path === 'string' && typeof (e as MethodDefinition).requestSerialize === 'function';
  return entries.length > 0 && entries.every(isDefinition) ? entries : [];
}

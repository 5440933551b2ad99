import { Client, Metadata, credentials, status, type ServiceError } from '@grpc/grpc-js';
import { assertLoopback } from './assertLoopback';
import type { LoadTarget, RequestOutcome } from './LoadTarget';
import { resolveGrpcMethod } from './resolveGrpcMethod';

/** Options of {@link grpcTarget}. */
export interface GrpcTargetOptions {
  /** 'host:port' on loopback, e.g. '127.0.0.1:50051' or '[::1]:50051'. */
  address: string;
  /** Full method path of a unary method of the contracts, e.g. '/govrnanza.account.v1.AccountService/GetOrganization'. */
  method: string;
  /**
   * Requests in proto3 JSON form (read with the message's `fromJSON`), sent
   * round-robin. Default: one empty request `{}`. Ignored when `messages` is given.
   */
  json?: readonly unknown[];
  /** Requests as ts-proto message objects, sent round-robin. */
  messages?: readonly unknown[];
  /** Metadata sent with every call, e.g. { 'x-org-id': 'o1' }. */
  metadata?: Record<string, string>;
  /** Which status codes count as success; default only OK. */
  isOk?: (code: status) => boolean;
}

/**
 * A unary gRPC target, over one insecure HTTP/2 channel (loopback only).
 * Requests are encoded once up front; responses are not decoded.
 * @throws NonLoopbackHostError when the address is not loopback; Error for an unknown method.
 */
export function grpcTarget(options: GrpcTargetOptions): LoadTarget {
  const { host, port } = parseAddress(options.address);
  const method = resolveGrpcMethod(options.method);
  const messages = options.messages ?? (options.json ?? [{}]).map((j) => method.requestFromJSON(j));
  if (messages.length === 0) throw new RangeError('grpcTarget needs at least one request');
  const encoded = messages.map((m) => method.requestSerialize(m));
  const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const client = new Client(target, credentials.createInsecure());
  const metadata = toMetadata(options.metadata ?? {});
  const isOk = options.isOk ?? ((code: status) => code === status.OK);
  let next = 0;
  return {
    description: `gRPC ${target}${method.path}`,
    prepare: (timeoutMs) =>
      new Promise((resolve, reject) => client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve()))),
    send(timeoutMs) {
      const request = encoded[next++ % encoded.length]!;
      return new Promise<RequestOutcome>((resolve) => {
        const done = (err: ServiceError | null): void => {
          const code = err ? err.code : status.OK;
          resolve({ ok: isOk(code), code: status[code] ?? String(code) });
        };
        client.makeUnaryRequest(method.path, identity, identity, request, metadata.clone(), { deadline: Date.now() + timeoutMs }, done);
      });
    },
    async close() {
      client.close();
    },
  };
}

const identity = (b: Buffer): Buffer => b;

function toMetadata(entries: Record<string, string>): Metadata {
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(entries)) metadata.set(k.toLowerCase(), v);
  return metadata;
}

/** Host (loopback-checked) and port of 'host:port' or '[v6]:port'. */
function parseAddress(address: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(address);
  if (!match) throw new RangeError(`gRPC address must be "host:port", got "${address}"`);
  const port = Number(match[2]);
  if (port < 1 || port > 65535) throw new RangeError(`gRPC port out of range in "${address}"`);
  return { host: assertLoopback(match[1]!), port };
}

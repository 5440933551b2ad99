import { credentials, loadPackageDefinition, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

type HealthClient = Client & {
  check(req: { service: string }, opts: { deadline: number }, cb: (err: ServiceError | null, res?: { status: string }) => void): void;
};

const HealthCtor = (
  loadPackageDefinition(loadSync(protoPath, { enums: String })) as unknown as { grpc: { health: { v1: { Health: new (addr: string, creds: ReturnType<typeof credentials.createInsecure>) => HealthClient } } } }
).grpc.health.v1.Health;

/** The grpc.health.v1 status of `service` ('' = overall) at `address`, or the error text. */
export function grpcHealth(address: string, service = '', timeoutMs = 1000): Promise<string> {
  const client = new HealthCtor(address, credentials.createInsecure());
  return new Promise<string>((resolve) => {
    client.check({ service }, { deadline: Date.now() + timeoutMs }, (err, res) => {
      client.close();
      resolve(err ? `error: ${err.details || err.message}` : (res?.status ?? 'UNKNOWN'));
    });
  });
}

/** The HTTP status of GET `url`, or 0 when it cannot be reached. */
export async function httpStatus(url: string, timeoutMs = 1000): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';

/**
 * Serves one service on a plain grpc-js server (no interceptors, no health,
 * no reflection) at 127.0.0.1:PORT, prints `ready <port>` once bound, and
 * stops on SIGTERM. The bare reference of the benchmark: what the stack is
 * compared with.
 */
export function serveBare(definition: ServiceDefinition, implementation: UntypedServiceImplementation): void {
  const server = new Server();
  server.addService(definition, implementation);
  server.bindAsync(`127.0.0.1:${Number(process.env.PORT ?? 0)}`, ServerCredentials.createInsecure(), (err, port) => {
    if (err) {
      process.stderr.write(`bind failed: ${err.message}\n`);
      process.exit(1);
    }
    process.stdout.write(`ready ${port}\n`);
  });
  process.once('SIGTERM', () => {
    const force = setTimeout(() => server.forceShutdown(), 1_000);
    server.tryShutdown(() => {
      clearTimeout(force);
      process.exit(0);
    });
  });
}

/** The `host:port` of a downstream from `<NAME>_ADDR`, as the services read it. */
export function downstreamAddress(name: string): string {
  const address = process.env[`${name.toUpperCase()}_ADDR`];
  if (!address) throw new Error(`${name.toUpperCase()}_ADDR is not set`);
  return address;
}

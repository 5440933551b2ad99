import { Server, ServerCredentials, type ServerInterceptor, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { fileDescriptorSet, withPooledSerializers } from '@govrnanza/contracts';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from './logger';

/** One gRPC service to serve. */
export interface ServedService {
  /** Fully qualified name, e.g. govrnanza.account.v1.AccountService (the health check key). */
  name: string;
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
  /** Hidden from health and reflection listings (e.g. the fault admin service). Default false. */
  internal?: boolean;
}

export interface GrpcServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  services: ServedService[];
  interceptors?: ServerInterceptor[];
  log: Logger;
}

/** A started server. */
export interface RunningGrpcServer {
  /** The bound port (useful when 0 was asked). */
  port: number;
  health: HealthImplementation;
  /** Reports every served service SERVING or NOT_SERVING (e.g. when its store is unreachable). */
  setServing(serving: boolean): void;
  /**
   * Graceful stop: reports NOT_SERVING, stops accepting calls, lets in-flight
   * calls finish for up to `graceMs`, then cancels what is left.
   */
  stop(graceMs: number): Promise<void>;
}

/**
 * Starts a gRPC server with grpc.health.v1 (overall "" and one entry per
 * service) and server reflection (v1 and v1alpha) over the contracts.
 */
export async function startGrpcServer(opts: GrpcServerOptions): Promise<RunningGrpcServer> {
  const server = new Server({ interceptors: opts.interceptors ?? [], 'grpc.max_receive_message_length': 4 * 1024 * 1024 });
  const names = opts.services.filter((s) => !s.internal).map((s) => s.name);
  const health = new HealthImplementation(Object.fromEntries(['', ...names].map((n) => [n, 'NOT_SERVING' as const])));
  health.addToServer(server);
  new ReflectionService(loadFileDescriptorSetFromBuffer(fileDescriptorSet), { services: names }).addToServer(server);
  for (const s of opts.services) server.addService(withPooledSerializers(s.definition), s.implementation);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${opts.host}:${opts.port}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  for (const n of ['', ...names]) health.setStatus(n, 'SERVING');
  opts.log.info({ host: opts.host, port, services: names }, 'grpc server listening');

  let stopping = false;
  const setServing = (serving: boolean): void => {
    if (stopping) return;
    for (const n of ['', ...names]) health.setStatus(n, serving ? 'SERVING' : 'NOT_SERVING');
  };
  const stop = async (graceMs: number): Promise<void> => {
    stopping = true;
    for (const n of ['', ...names]) health.setStatus(n, 'NOT_SERVING');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        opts.log.warn({ graceMs }, 'grace period over: cancelling remaining calls');
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  };
  return { port, health, setServing, stop };
}

import { credentials, loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { join, resolve } from 'node:path';

/**
 * A gRPC client built only from the .proto files (proto-loader, no project
 * code): proof that the contracts alone are enough to call a service.
 */
const ROOT = resolve(__dirname, '..', '..');
const FILES = ['account', 'profile', 'registry', 'billing'].map((s) => `govrnanza/${s}/v1/${s}.proto`);

const definition = loadSync(FILES, { includeDirs: [join(ROOT, 'proto')], keepCase: true, longs: Number, enums: String, defaults: true });
const pkg = loadPackageDefinition(definition) as GrpcObject;
const reflectionPkg = loadPackageDefinition(
  loadSync(join(ROOT, 'node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto'), { keepCase: true, defaults: true }),
) as GrpcObject;
const healthPkg = loadPackageDefinition(loadSync(join(ROOT, 'node_modules/grpc-health-check/proto/health/v1/health.proto'), { enums: String })) as GrpcObject;

function lookup(obj: GrpcObject, path: string): ServiceClientConstructor {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj) as ServiceClientConstructor;
}

/** Calls `method` of the fully qualified `service` at `address` with a plain object request. */
export function plainCall(address: string, service: string, method: string, request: object): Promise<any> {
  const Ctor = lookup(pkg, service);
  const client = new Ctor(address, credentials.createInsecure());
  return new Promise((res, rej) =>
    (client as any)[method](request, { deadline: Date.now() + 5000 }, (err: Error | null, out: unknown) => {
      client.close();
      err ? rej(err) : res(out);
    }),
  );
}

/** grpc.health.v1 Check with the client built from health.proto. */
export function plainHealth(address: string, service: string): Promise<string> {
  const client = new (lookup(healthPkg, 'grpc.health.v1.Health'))(address, credentials.createInsecure());
  return new Promise((res, rej) =>
    (client as any).check({ service }, { deadline: Date.now() + 5000 }, (err: Error | null, out: { status: string }) => {
      client.close();
      err ? rej(err) : res(out.status);
    }),
  );
}

/** The services listed by server reflection (v1). */
export function reflectedServices(address: string): Promise<string[]> {
  const client = new (lookup(reflectionPkg, 'grpc.reflection.v1.ServerReflection'))(address, credentials.createInsecure());
  return new Promise((res, rej) => {
    const stream = (client as any).ServerReflectionInfo();
    stream.on('data', (msg: { list_services_response?: { service: { name: string }[] } }) => {
      res((msg.list_services_response?.service ?? []).map((s) => s.name));
      stream.end();
      client.close();
    });
    stream.on('error', rej);
    stream.write({ list_services: '' });
  });
}

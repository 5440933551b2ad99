import { FileDescriptorSet, type FileDescriptorProto } from 'ts-proto-descriptors';
import { protoMetadata as account } from './gen/govrnanza/account/v1/account';
import { protoMetadata as billing } from './gen/govrnanza/billing/v1/billing';
import { protoMetadata as faults } from './gen/govrnanza/faults/v1/faults';
import { protoMetadata as profile } from './gen/govrnanza/profile/v1/profile';
import { protoMetadata as registry } from './gen/govrnanza/registry/v1/registry';

/** What ts-proto generates for each file (`protoMetadata`, with `outputSchema=true`). */
export interface Meta {
  fileDescriptor: FileDescriptorProto;
  /** Every type of the file by its fully qualified name. */
  references: Record<string, unknown>;
  dependencies?: Meta[];
}

/** The generated metadata of every file reachable from the service files, dependencies first, each once. */
export const metas: Meta[] = (() => {
  const seen = new Map<string, Meta>();
  const visit = (m: Meta): void => {
    if (seen.has(m.fileDescriptor.name)) return;
    for (const dep of m.dependencies ?? []) visit(dep);
    seen.set(m.fileDescriptor.name, m);
  };
  ([account, billing, faults, profile, registry] as unknown as Meta[]).forEach(visit);
  return [...seen.values()];
})();

const files = metas.map((m) => m.fileDescriptor);

/** The serialized FileDescriptorSet of every contract (for server reflection). */
export const fileDescriptorSet: Buffer = Buffer.from(FileDescriptorSet.encode({ file: files }).finish());

/** How a method may be retried, from its `idempotency_level` option. */
export type Idempotency = 'NO_SIDE_EFFECTS' | 'IDEMPOTENT' | 'IDEMPOTENCY_UNKNOWN';

const idempotency = new Map<string, Idempotency>();
for (const file of files) {
  for (const service of file.service) {
    for (const method of service.method) {
      const level = method.options?.idempotencyLevel ?? 0;
      const name: Idempotency = level === 1 ? 'NO_SIDE_EFFECTS' : level === 2 ? 'IDEMPOTENT' : 'IDEMPOTENCY_UNKNOWN';
      idempotency.set(`/${file.package}.${service.name}/${method.name}`, name);
    }
  }
}

/** The idempotency level of a method, by its gRPC path (`/pkg.Service/Method`). */
export function idempotencyOf(path: string): Idempotency {
  return idempotency.get(path) ?? 'IDEMPOTENCY_UNKNOWN';
}

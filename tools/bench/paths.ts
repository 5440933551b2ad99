import type { ServiceName } from '@govrnanza/topology';

/** The call paths measured. */
export type PathName = 'one-hop' | 'three-hop' | 'fan-out';

/** What the load generator sends: serializable, so it can cross to the generator's process. */
export type TargetSpec =
  | { kind: 'grpc'; address: string; method: string; json: unknown[] }
  | { kind: 'http'; port: number; path: string };

/** The ids of the benchmark's data set in the running system. */
export interface DataIds {
  orgId: string;
  apiId: string;
}

export interface BenchPath {
  name: PathName;
  /** One line for the tables. */
  label: string;
  /** The processes the path goes through (each is started, bare or stack). */
  services: readonly ServiceName[];
  target(address: (service: ServiceName) => string, httpPort: (service: ServiceName) => number, ids: DataIds): TargetSpec;
}

export const PATHS: readonly BenchPath[] = [
  {
    name: 'one-hop',
    label: 'one gRPC hop: account GetOrganization',
    services: ['account'],
    target: (address, _port, ids) => ({
      kind: 'grpc',
      address: address('account'),
      method: '/govrnanza.account.v1.AccountService/GetOrganization',
      json: [{ orgId: ids.orgId }],
    }),
  },
  {
    name: 'three-hop',
    label: 'three processes: registry GetApi → account, then profile',
    services: ['account', 'profile', 'registry'],
    target: (address, _port, ids) => ({
      kind: 'grpc',
      address: address('registry'),
      method: '/govrnanza.registry.v1.RegistryService/GetApi',
      json: [{ orgId: ids.orgId, apiId: ids.apiId }],
    }),
  },
  {
    name: 'fan-out',
    label: 'HTTP GET usage: gateway → billing → account, registry, profile',
    services: ['account', 'profile', 'registry', 'billing', 'gateway'],
    target: (_address, port, ids) => ({ kind: 'http', port: port('gateway'), path: `/v1/orgs/${ids.orgId}/usage` }),
  },
];

export const PATH_NAMES: readonly PathName[] = PATHS.map((p) => p.name);

export function pathNamed(name: PathName): BenchPath {
  return PATHS.find((p) => p.name === name)!;
}

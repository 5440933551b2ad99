/**
 * The gRPC methods each back-end serves, read from the generated contracts:
 * their paths (what Istio matches and authorizes) and whether a retry is safe
 * (the proto's idempotency_level).
 */
import { account, billing, idempotencyOf, profile, registry } from '@govrnanza/contracts';
import { SERVICES, type BackendName } from '@govrnanza/topology';

/** One unary method of a back-end. */
export interface GrpcMethod {
  /** e.g. `GetOrganization`. */
  name: string;
  /** e.g. `/govrnanza.account.v1.AccountService/GetOrganization`. */
  path: string;
  /** NO_SIDE_EFFECTS or IDEMPOTENT in the proto: a retry cannot apply an effect twice. */
  retryable: boolean;
}

const DEFINITIONS: Record<BackendName, Record<string, { path: string }>> = {
  account: account.AccountServiceService,
  profile: profile.ProfileServiceService,
  registry: registry.RegistryServiceService,
  billing: billing.BillingServiceService,
};

/** Every method of a back-end, in proto order. */
export function methodsOf(service: BackendName): GrpcMethod[] {
  const prefix = `/${SERVICES[service].grpcService}/`;
  return Object.values(DEFINITIONS[service]).map(({ path }) => {
    if (!path.startsWith(prefix)) throw new Error(`${path} is not a method of ${SERVICES[service].grpcService}`);
    const level = idempotencyOf(path);
    return { name: path.slice(prefix.length), path, retryable: level !== 'IDEMPOTENCY_UNKNOWN' };
  });
}

/** The path of one method; throws on a name the service does not serve (a typo in the topology). */
export function methodPath(service: BackendName, method: string): string {
  const found = methodsOf(service).find((m) => m.name === method);
  if (!found) throw new Error(`${service} has no method ${method}`);
  return found.path;
}

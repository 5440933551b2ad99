import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { account, billing, profile, registry } from '@govrnanza/contracts';
import { BENCH_API, BENCH_ORG, BENCH_PAYMENT_CENTS, BENCH_PEOPLE, type BenchData } from '../../bench/bare/benchData';
import type { BenchSystem } from './benchSystem';
import type { DataIds } from './paths';

/** One unary method of a ts-proto service definition. */
interface Method<Req, Res> {
  path: string;
  requestSerialize(value: Req): Buffer;
  responseDeserialize(bytes: Buffer): Res;
}

/** One unary call with a 5 s deadline, as a promise. */
function call<Req, Res>(client: Client, method: Method<Req, Res>, request: Req): Promise<Res> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, new Metadata(), { deadline: Date.now() + 5_000 }, (err: ServiceError | null, res?: Res) =>
      err ? reject(new Error(`${method.path}: ${err.message}`)) : resolve(res as Res),
    ),
  );
}

/**
 * Creates the benchmark's data set (see `BenchData`) in a running stack
 * through the services' own create RPCs, as far as the running services
 * allow (an API needs registry, a payment billing), and returns its ids.
 */
export async function seedStack(system: BenchSystem): Promise<DataIds> {
  const running = new Set(system.processes.map((p) => p.service));
  const clients = new Map<string, Client>();
  const client = (service: 'account' | 'profile' | 'registry' | 'billing'): Client => {
    let c = clients.get(service);
    if (!c) clients.set(service, (c = new Client(system.address(service), credentials.createInsecure())));
    return c;
  };
  try {
    const A = account.AccountServiceService;
    const org = await call(client('account'), A.createOrganization, { name: BENCH_ORG.name, plan: BENCH_ORG.plan, idempotencyKey: '' });
    const orgId = org.organization!.id;
    if (!running.has('profile')) return { orgId, apiId: '' };
    const ownerIds: string[] = [];
    for (const p of BENCH_PEOPLE) {
      const created = await call(client('profile'), profile.ProfileServiceService.createProfile, { orgId, ...p, notifications: undefined, idempotencyKey: '' });
      ownerIds.push(created.profile!.id);
    }
    if (!running.has('registry')) return { orgId, apiId: '' };
    const R = registry.RegistryServiceService;
    const domain = await call(client('registry'), R.createDomain, { orgId, name: 'Payments', idempotencyKey: '' });
    const sub = await call(client('registry'), R.createSubdomain, { orgId, domainId: domain.domain!.id, name: 'Cards', idempotencyKey: '' });
    const api = await call(client('registry'), R.createApi, {
      orgId,
      subdomainId: sub.subdomain!.id,
      ...BENCH_API,
      lifecycle: registry.Lifecycle.LIFECYCLE_DESIGN,
      technicalOwnerId: ownerIds[0]!,
      businessOwnerId: ownerIds[1]!,
      idempotencyKey: '',
    });
    if (running.has('billing')) {
      await call(client('billing'), billing.BillingServiceService.recordPayment, { orgId, amountCents: BENCH_PAYMENT_CENTS, succeeded: true, idempotencyKey: '' });
    }
    return { orgId, apiId: api.api!.id };
  } finally {
    for (const c of clients.values()) c.close();
  }
}

/** The ids of the bare data set. */
export function bareIds(data: BenchData): DataIds {
  return { orgId: data.org.id, apiId: data.api.id };
}

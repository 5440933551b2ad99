/**
 * Bare billing: GetUsage fans out to account, registry and profile in
 * parallel, as the real billing does, on a plain grpc-js server with plain
 * generated clients.
 */
import { credentials, type sendUnaryData, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { account, billing, profile, registry } from '@govrnanza/contracts';
import { billingCycle, cycleCharge } from '../../services/billing/src/pricing';
import { downstreamAddress, serveBare } from './bareServer';
import { benchDataFromEnv } from './benchData';
import { RecordMap } from './recordMap';

const data = benchDataFromEnv();
const payments = new RecordMap(data.payments.map((p) => ({ ...p, owner: data.org.id })));
const accounts = new account.AccountServiceClient(downstreamAddress('account'), credentials.createInsecure());
const registries = new registry.RegistryServiceClient(downstreamAddress('registry'), credentials.createInsecure());
const profiles = new profile.ProfileServiceClient(downstreamAddress('profile'), credentials.createInsecure());

/** A generated client method as a promise. */
function unary<Req, Res>(
  method: (req: Req, options: { deadline: Date | number }, cb: (err: ServiceError | null, res?: Res) => void) => unknown,
  self: object,
  req: Req,
  deadline: Date | number,
): Promise<Res> {
  return new Promise((resolve, reject) => method.call(self, req, { deadline }, (err, res) => (err ? reject(err) : resolve(res as Res))));
}

serveBare(billing.BillingServiceService, {
  getUsage(call: ServerUnaryCall<billing.GetUsageRequest, billing.GetUsageResponse>, callback: sendUnaryData<billing.GetUsageResponse>) {
    const deadline = call.getDeadline();
    const { orgId } = call.request;
    Promise.all([
      unary<account.GetOrganizationRequest, account.GetOrganizationResponse>(accounts.getOrganization, accounts, { orgId }, deadline),
      unary<registry.CountResourcesRequest, registry.CountResourcesResponse>(registries.countResources, registries, { orgId }, deadline),
      unary<profile.CountProfilesRequest, profile.CountProfilesResponse>(profiles.countProfiles, profiles, { orgId }, deadline),
    ]).then(
      ([{ organization: org }, resources, users]) => {
        const cycle = billingCycle(new Date());
        const charge = cycleCharge(org!.plan, { apis: resources.apis, users: users.count });
        const since = cycle.start.getTime();
        const paid = payments
          .all()
          .filter((p) => p.owner === orgId && p.succeeded && p.createdAt >= since)
          .reduce((sum, p) => sum + p.amountCents, 0);
        callback(null, {
          usage: {
            orgId,
            plan: account.planToJSON(org!.plan),
            status: account.organizationStatusToJSON(org!.status),
            users: users.count,
            domains: resources.domains,
            subdomains: resources.subdomains,
            apis: resources.apis,
            cycle: { startTime: cycle.start, endTime: cycle.end },
            amountDueCents: Math.max(0, charge - paid),
          },
          degraded: [],
        });
      },
      (err: ServiceError) => callback(err),
    );
  },
});

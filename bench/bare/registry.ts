/**
 * Bare registry: GetApi (account's organisation status, then one batched
 * profile call for the owners, as the real registry does) and CountResources,
 * on a plain grpc-js server with plain generated clients.
 */
import { credentials, status, type sendUnaryData, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { account, profile, registry } from '@govrnanza/contracts';
import { downstreamAddress, serveBare } from './bareServer';
import { benchDataFromEnv } from './benchData';
import { RecordMap } from './recordMap';

const data = benchDataFromEnv();
const orgId = data.org.id;
const apis = new RecordMap([{ ...data.api, owner: orgId, subdomainId: data.subdomain.id }]);
const domains = new RecordMap([{ ...data.domain, owner: orgId }]);
const subdomains = new RecordMap([{ ...data.subdomain, owner: data.domain.id, orgId }]);
const accounts = new account.AccountServiceClient(downstreamAddress('account'), credentials.createInsecure());
const profiles = new profile.ProfileServiceClient(downstreamAddress('profile'), credentials.createInsecure());

type Api = NonNullable<ReturnType<typeof apis.get>>;

function toApi(a: Api, owners: Map<string, registry.Owner>): registry.Api {
  const owner = (id: string): registry.Owner => owners.get(id) ?? { id, name: '', jobTitle: '' };
  return {
    id: a.id,
    orgId: a.owner,
    subdomainId: a.subdomainId,
    name: a.name,
    version: a.version,
    lifecycle: a.lifecycle,
    technicalOwner: owner(a.technicalOwnerId),
    businessOwner: owner(a.businessOwnerId),
    createTime: new Date(a.createdAt),
  };
}

serveBare(registry.RegistryServiceService, {
  getApi(call: ServerUnaryCall<registry.GetApiRequest, registry.GetApiResponse>, callback: sendUnaryData<registry.GetApiResponse>) {
    const deadline = call.getDeadline();
    const req = call.request;
    accounts.getOrganization({ orgId: req.orgId }, { deadline }, (err: ServiceError | null, res?: account.GetOrganizationResponse) => {
      if (err) return callback(err);
      if (res?.organization?.status === account.OrganizationStatus.ORGANIZATION_STATUS_FROZEN) {
        return callback({ code: status.FAILED_PRECONDITION, details: 'payment required' });
      }
      const api = apis.get(req.apiId);
      if (!api || api.owner !== req.orgId) return callback({ code: status.NOT_FOUND, details: 'API not found' });
      const ids = [...new Set([api.technicalOwnerId, api.businessOwnerId])].filter((id) => id !== '');
      profiles.batchGetProfiles({ orgId: req.orgId, profileIds: ids }, { deadline }, (perr: ServiceError | null, found?: profile.BatchGetProfilesResponse) => {
        if (perr) return callback(perr);
        const owners = new Map(found!.profiles.map((p) => [p.id, { id: p.id, name: p.name, jobTitle: p.jobTitle }]));
        callback(null, { api: toApi(api, owners), degraded: [] });
      });
    });
  },
  countResources(call: ServerUnaryCall<registry.CountResourcesRequest, registry.CountResourcesResponse>, callback: sendUnaryData<registry.CountResourcesResponse>) {
    const mine = call.request.orgId;
    const orgDomains = domains.all().filter((d) => d.owner === mine);
    const subs = subdomains.all().filter((s) => orgDomains.some((d) => d.id === s.owner)).length;
    callback(null, { domains: orgDomains.length, subdomains: subs, apis: apis.all().filter((a) => a.owner === mine).length });
  },
});

import { common, registry } from '@govrnanza/contracts';
import { Errors, newId, requireEnum, requireId, requireText, type HandlersOf } from '@govrnanza/runtime';
import { decodePageToken, DuplicateKeyError, encodePageToken, idempotent, pageSize } from '@govrnanza/storage';
import type { AccountClient, OrgCheck } from './clients/accountClient';
import type { OwnerLookup, ProfileClient } from './clients/profileClient';
import { enforceLimit } from './limits';
import type { ApiRecord, DomainRecord, RegistryStore, SubdomainRecord } from './registryStore';

const { Lifecycle } = registry;
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$/;

export interface RegistryHandlerOptions {
  store: RegistryStore;
  account: AccountClient;
  profile: ProfileClient;
  idempotencyTtlMs: number;
}

/**
 * The RegistryService handlers. Every request for an organisation first asks
 * account for its status; API responses carry their owners' details from one
 * batched profile call.
 */
export function registryHandlers(o: RegistryHandlerOptions): HandlersOf<typeof registry.RegistryServiceService> {
  const { store, account, profile } = o;
  const once = <Res>(scope: string, key: string, request: unknown, codec: { encode(m: Res): { finish(): Uint8Array }; decode(b: Uint8Array): Res }, run: () => Promise<Res>) =>
    idempotent({ store: store.idempotency, scope, key, request, codec, ttlMs: o.idempotencyTtlMs }, run);
  const domainOf = async (orgId: string, id: string): Promise<DomainRecord> => {
    const d = await store.domain(orgId, requireId('domain_id', id));
    if (!d) throw Errors.notFound('domain', id);
    return d;
  };
  const apiOf = async (orgId: string, id: string): Promise<ApiRecord> => {
    const a = await store.api(orgId, requireId('api_id', id));
    if (!a) throw Errors.notFound('API', id);
    return a;
  };
  const withOwners = async (orgId: string, apis: ApiRecord[], ctx: Parameters<AccountClient['checkOrg']>[1]) => {
    const lookup = await profile.owners(orgId, apis.flatMap((a) => [a.technicalOwnerId, a.businessOwnerId]), ctx);
    return { apis: apis.map((a) => toApi(a, lookup)), degraded: lookup.degraded ? [lookup.degraded] : [] };
  };

  return {
    async createDomain(req, ctx) {
      const orgId = requireId('org_id', req.orgId);
      const name = requireText('name', req.name, 100);
      const check = await account.checkOrg(orgId, ctx);
      return once(`CreateDomain:${orgId}`, req.idempotencyKey, req, registry.CreateDomainResponse, async () => {
        await enforceLimit(check, 'maxDomains', () => store.countDomains(orgId));
        const d: DomainRecord = { id: newId('dom'), owner: orgId, createdAt: Date.now(), name };
        await insertOrConflict(() => store.createDomain(d), 'domain', `named ${JSON.stringify(name)}`);
        return { domain: toDomain(d) };
      });
    },

    async getDomain(req, ctx) {
      const orgId = requireId('org_id', req.orgId);
      await account.checkOrg(orgId, ctx);
      return { domain: toDomain(await domainOf(orgId, req.domainId)) };
    },

    async listDomains(req, ctx) {
      const orgId = requireId('org_id', req.orgId);
      const scope = `domains:${orgId}`;
      const after = decodePageToken(scope, req.pageToken);
      await account.checkOrg(orgId, ctx);
      const page = await store.listDomains(orgId, pageSize(req.pageSize), after);
      return { domains: page.items.map(toDomain), nextPageToken: encodePageToken(scope, page.next) };
    },

    async createSubdomain(req, ctx) {
      const orgId = requireId('org_id', req.orgId);
      const domainId = requireId('domain_id', req.domainId);
      const name = requireText('name', req.name, 100);
      const check = await account.checkOrg(orgId, ctx);
      return once(`CreateSubdomain:${orgId}`, req.idempotencyKey, req, registry.CreateSubdomainResponse, async () => {
        await domainOf(orgId, domainId);
        await enforceLimit(check, 'maxSubdomains', () => store.countSubdomains(orgId));
        const s: SubdomainRecord = { id: newId('sub'), owner: domainId, orgId, createdAt: Date.now(), name };
        await insertOrConflict(() => store.createSubdomain(s), 'sub-domain', `named ${JSON.stringify(name)} in this domain`);
        return { subdomain: toSubdomain(s) };
      });
    },

    async listSubdomains(req, ctx) {
      const orgId = requireId('org_id', req.orgId);
      const domainId = requireId('domain_id', req.domainId);
      const scope = `subdomains:${domainId}`;
      const after = decodePageToken(scope, req.pageToken);
      await account.checkOrg(orgId, ctx);
      await domainOf(orgId, domainId);
      const page = await store.listSubdomains(domainId, pageSize(req.pageSize), after);
      return { subdomains: page.items.map(toSubdomain), nextPageToken: encodePageToken(scope, page.next) };
    },

    async createApi(req, ctx) {
      const orgId = requireId('org_id', req.orgId);
      const fields = {
        subdomainId: requireId('subdomain_id', req.subdomainId),
        name: requireText('name', req.name, 100),
        version: requireVersion(req.version),
        lifecycle: req.lifecycle === Lifecycle.LIFECYCLE_UNSPECIFIED ? Lifecycle.LIFECYCLE_DESIGN : requireEnum('lifecycle', req.lifecycle, Lifecycle),
        technicalOwnerId: requireId('technical_owner_id', req.technicalOwnerId),
        businessOwnerId: requireId('business_owner_id', req.businessOwnerId),
      };
      const check = await account.checkOrg(orgId, ctx);
      return once(`CreateApi:${orgId}`, req.idempotencyKey, req, registry.CreateApiResponse, async () => {
        if (!(await store.subdomain(orgId, fields.subdomainId))) throw Errors.notFound('sub-domain', fields.subdomainId);
        await enforceLimit(check, 'maxApis', () => store.countApis(orgId));
        const a: ApiRecord = { id: newId('api'), owner: orgId, createdAt: Date.now(), ...fields };
        const lookup = await profile.owners(orgId, [a.technicalOwnerId, a.businessOwnerId], ctx);
        for (const field of ['technical_owner_id', 'business_owner_id'] as const) {
          const id = field === 'technical_owner_id' ? a.technicalOwnerId : a.businessOwnerId;
          if (lookup.missing.has(id)) throw Errors.invalidArgument(field, `no profile ${JSON.stringify(id)} in this organization`);
        }
        await insertOrConflict(() => store.createApi(a), 'API', `${JSON.stringify(a.name)} version ${JSON.stringify(a.version)}`);
        return { api: toApi(a, lookup), degraded: degradedOf(check, lookup) };
      });
    },

    async getApi(req, ctx) {
      const orgId = requireId('org_id', req.orgId);
      const check = await account.checkOrg(orgId, ctx);
      const { apis, degraded } = await withOwners(orgId, [await apiOf(orgId, req.apiId)], ctx);
      return { api: apis[0], degraded: [...orgDegraded(check), ...degraded] };
    },

    async listApis(req, ctx) {
      const orgId = requireId('org_id', req.orgId);
      const scope = `apis:${orgId}`;
      const after = decodePageToken(scope, req.pageToken);
      const check = await account.checkOrg(orgId, ctx);
      const page = await store.listApis(orgId, pageSize(req.pageSize), after);
      const { apis, degraded } = await withOwners(orgId, page.items, ctx);
      return { apis, nextPageToken: encodePageToken(scope, page.next), degraded: [...orgDegraded(check), ...degraded] };
    },

    async updateApiLifecycle(req, ctx) {
      const orgId = requireId('org_id', req.orgId);
      const lifecycle = requireEnum('lifecycle', req.lifecycle, Lifecycle);
      const check = await account.checkOrg(orgId, ctx);
      const a = await apiOf(orgId, req.apiId);
      a.lifecycle = lifecycle;
      await store.saveApi(a);
      const { apis, degraded } = await withOwners(orgId, [a], ctx);
      return { api: apis[0], degraded: [...orgDegraded(check), ...degraded] };
    },

    async deleteApi(req, ctx) {
      const orgId = requireId('org_id', req.orgId);
      await account.checkOrg(orgId, ctx);
      await store.deleteApi(await apiOf(orgId, req.apiId));
      return {};
    },

    async countResources(req) {
      // Billing's internal call: no status check, a frozen organisation must still see what it owes.
      const orgId = requireId('org_id', req.orgId);
      const [domains, subdomains, apis] = await Promise.all([store.countDomains(orgId), store.countSubdomains(orgId), store.countApis(orgId)]);
      return { domains, subdomains, apis };
    },
  };
}

function requireVersion(v: string): string {
  const version = requireText('version', v, 32);
  if (!VERSION.test(version)) throw Errors.invalidArgument('version', 'letters, digits, ".", "+" and "-" only, e.g. 1.2.0');
  return version;
}

async function insertOrConflict(insert: () => Promise<void>, kind: string, what: string): Promise<void> {
  try {
    await insert();
  } catch (err) {
    if (err instanceof DuplicateKeyError) throw Errors.alreadyExists(kind, what);
    throw err;
  }
}

function orgDegraded(check: OrgCheck): common.Degradation[] {
  return check.assumed ? [{ part: 'org_status', reason: `${check.reason}: organization assumed active (fail open)` }] : [];
}

function degradedOf(check: OrgCheck, lookup: OwnerLookup): common.Degradation[] {
  return [...orgDegraded(check), ...(lookup.degraded ? [lookup.degraded] : [])];
}

function toDomain(d: DomainRecord): registry.Domain {
  return { id: d.id, orgId: d.owner, name: d.name, createTime: new Date(d.createdAt) };
}

function toSubdomain(s: SubdomainRecord): registry.Subdomain {
  return { id: s.id, orgId: s.orgId, domainId: s.owner, name: s.name, createTime: new Date(s.createdAt) };
}

function toApi(a: ApiRecord, lookup: OwnerLookup): registry.Api {
  const owner = (id: string): registry.Owner => lookup.owners.get(id) ?? { id, name: '', jobTitle: '' };
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

import type { registry } from '@govrnanza/contracts';
import type { Collection, IdempotencyStore, Page, StorageBackend, StoredRecord } from '@govrnanza/storage';

/** A domain (owner = organisation). */
export interface DomainRecord extends StoredRecord {
  name: string;
}

/** A sub-domain (owner = its domain id). */
export interface SubdomainRecord extends StoredRecord {
  orgId: string;
  name: string;
}

/** An API (owner = organisation). */
export interface ApiRecord extends StoredRecord {
  subdomainId: string;
  name: string;
  version: string;
  lifecycle: registry.Lifecycle;
  technicalOwnerId: string;
  businessOwnerId: string;
}

/**
 * The registry's data. Domain names are unique per organisation, sub-domain
 * names per domain, API name@version per organisation.
 */
export class RegistryStore {
  private readonly domains: Collection<DomainRecord>;
  private readonly subdomains: Collection<SubdomainRecord>;
  private readonly apis: Collection<ApiRecord>;
  readonly idempotency: IdempotencyStore;

  constructor(storage: StorageBackend) {
    this.domains = storage.collection<DomainRecord>('domains');
    this.subdomains = storage.collection<SubdomainRecord>('subdomains');
    this.apis = storage.collection<ApiRecord>('apis');
    this.idempotency = storage.idempotency;
  }

  createDomain(d: DomainRecord): Promise<void> {
    return this.domains.insert(d, [`domain:${d.owner}:${d.name.toLowerCase()}`]);
  }
  async domain(orgId: string, id: string): Promise<DomainRecord | undefined> {
    const d = await this.domains.get(id);
    return d?.owner === orgId ? d : undefined;
  }
  listDomains(orgId: string, limit: number, after?: string): Promise<Page<DomainRecord>> {
    return this.domains.list(orgId, limit, after);
  }
  countDomains(orgId: string): Promise<number> {
    return this.domains.count(orgId);
  }

  createSubdomain(s: SubdomainRecord): Promise<void> {
    return this.subdomains.insert(s, [`subdomain:${s.owner}:${s.name.toLowerCase()}`]);
  }
  async subdomain(orgId: string, id: string): Promise<SubdomainRecord | undefined> {
    const s = await this.subdomains.get(id);
    return s?.orgId === orgId ? s : undefined;
  }
  listSubdomains(domainId: string, limit: number, after?: string): Promise<Page<SubdomainRecord>> {
    return this.subdomains.list(domainId, limit, after);
  }
  /** Sub-domains across all of an organisation's domains (one count per domain). */
  async countSubdomains(orgId: string): Promise<number> {
    let total = 0;
    let after: string | undefined;
    do {
      const page = await this.domains.list(orgId, 100, after);
      const counts = await Promise.all(page.items.map((d) => this.subdomains.count(d.id)));
      total += counts.reduce((a, b) => a + b, 0);
      after = page.next;
    } while (after !== undefined);
    return total;
  }

  createApi(a: ApiRecord): Promise<void> {
    return this.apis.insert(a, [apiKey(a)]);
  }
  async api(orgId: string, id: string): Promise<ApiRecord | undefined> {
    const a = await this.apis.get(id);
    return a?.owner === orgId ? a : undefined;
  }
  saveApi(a: ApiRecord): Promise<void> {
    return this.apis.replace(a);
  }
  deleteApi(a: ApiRecord): Promise<boolean> {
    return this.apis.delete(a.id, [apiKey(a)]);
  }
  listApis(orgId: string, limit: number, after?: string): Promise<Page<ApiRecord>> {
    return this.apis.list(orgId, limit, after);
  }
  countApis(orgId: string): Promise<number> {
    return this.apis.count(orgId);
  }
}

function apiKey(a: ApiRecord): string {
  return `api:${a.owner}:${a.name.toLowerCase()}@${a.version.toLowerCase()}`;
}

import { registry } from '@govrnanza/contracts';
import type { Downstream } from '@govrnanza/resilience';
import type { CallContext } from '@govrnanza/runtime';

/** The gateway's calls to registry. */
export class RegistryClient {
  constructor(private readonly ds: Downstream<typeof registry.RegistryServiceService>) {}

  async createDomain(orgId: string, name: string, idempotencyKey: string, ctx: CallContext): Promise<unknown> {
    return registry.CreateDomainResponse.toJSON(await this.ds.createDomain({ orgId, name, idempotencyKey }, ctx));
  }

  async listDomains(orgId: string, pageSize: number, pageToken: string, ctx: CallContext): Promise<unknown> {
    return registry.ListDomainsResponse.toJSON(await this.ds.listDomains({ orgId, pageSize, pageToken }, ctx));
  }

  async createSubdomain(orgId: string, domainId: string, name: string, idempotencyKey: string, ctx: CallContext): Promise<unknown> {
    return registry.CreateSubdomainResponse.toJSON(await this.ds.createSubdomain({ orgId, domainId, name, idempotencyKey }, ctx));
  }

  async createApi(req: registry.CreateApiRequest, ctx: CallContext): Promise<unknown> {
    return registry.CreateApiResponse.toJSON(await this.ds.createApi(req, ctx));
  }

  async getApi(orgId: string, apiId: string, ctx: CallContext): Promise<unknown> {
    return registry.GetApiResponse.toJSON(await this.ds.getApi({ orgId, apiId }, ctx));
  }

  async listApis(orgId: string, pageSize: number, pageToken: string, ctx: CallContext): Promise<unknown> {
    return registry.ListApisResponse.toJSON(await this.ds.listApis({ orgId, pageSize, pageToken }, ctx));
  }
}

import { account } from '@govrnanza/contracts';
import type { Downstream } from '@govrnanza/resilience';
import type { CallContext } from '@govrnanza/runtime';

/** The gateway's calls to account. */
export class AccountClient {
  constructor(private readonly ds: Downstream<typeof account.AccountServiceService>) {}

  async create(name: string, plan: account.Plan, idempotencyKey: string, ctx: CallContext): Promise<unknown> {
    return account.CreateOrganizationResponse.toJSON(await this.ds.createOrganization({ name, plan, idempotencyKey }, ctx));
  }

  /** One cheap read (the plan list), for the fan-out lab. */
  async plans(ctx: CallContext): Promise<number> {
    return (await this.ds.listPlans({}, ctx)).plans.length;
  }

  async get(orgId: string, ctx: CallContext): Promise<unknown> {
    return account.GetOrganizationResponse.toJSON(await this.ds.getOrganization({ orgId }, ctx));
  }
}

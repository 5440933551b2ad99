import { status } from '@grpc/grpc-js';
import { account } from '@govrnanza/contracts';
import type { Downstream } from '@govrnanza/resilience';
import { Errors, ServiceError, type CallContext } from '@govrnanza/runtime';

/** Profile's view of the account service: does an organisation exist, and what may it have. */
export class AccountClient {
  constructor(private readonly ds: Downstream<typeof account.AccountServiceService>) {}

  /** The organisation; NOT_FOUND when it does not exist; dependency failures pass through. */
  async organization(orgId: string, ctx: CallContext): Promise<account.Organization> {
    try {
      const { organization } = await this.ds.getOrganization({ orgId }, ctx);
      if (!organization) throw Errors.unavailable('account: empty answer');
      return organization;
    } catch (err) {
      if (err instanceof ServiceError && err.code === status.NOT_FOUND) throw Errors.notFound('organization', orgId);
      throw err;
    }
  }
}

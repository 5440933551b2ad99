import { status } from '@grpc/grpc-js';
import { account } from '@govrnanza/contracts';
import type { Downstream } from '@govrnanza/resilience';
import { Errors, ServiceError, type CallContext } from '@govrnanza/runtime';

/** Billing's view of the account service: the organisation and its plan; freezing on failed payments. */
export class AccountClient {
  constructor(private readonly ds: Downstream<typeof account.AccountServiceService>) {}

  organization(orgId: string, ctx: CallContext): Promise<account.Organization> {
    return this.unwrap(orgId, this.ds.getOrganization({ orgId }, ctx));
  }

  freeze(orgId: string, ctx: CallContext): Promise<account.Organization> {
    return this.unwrap(orgId, this.ds.freezeOrganization({ orgId, reason: 'payment failed' }, ctx));
  }

  unfreeze(orgId: string, ctx: CallContext): Promise<account.Organization> {
    return this.unwrap(orgId, this.ds.unfreezeOrganization({ orgId }, ctx));
  }

  private async unwrap(orgId: string, call: Promise<{ organization?: account.Organization | undefined }>): Promise<account.Organization> {
    try {
      const { organization } = await call;
      if (!organization) throw Errors.unavailable('account: empty answer');
      return organization;
    } catch (err) {
      if (err instanceof ServiceError && err.code === status.NOT_FOUND) throw Errors.notFound('organization', orgId);
      throw err;
    }
  }
}

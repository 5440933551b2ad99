import { status } from '@grpc/grpc-js';
import { account } from '@govrnanza/contracts';
import { fallbackReason, withFallbackReserve, type Downstream, type ResilienceEvents } from '@govrnanza/resilience';
import { Errors, ServiceError, type CallContext } from '@govrnanza/runtime';

/** What registry does when account cannot answer: assume ACTIVE and allow, or deny. */
export type AccountFailureMode = 'open' | 'closed';

/** The outcome of an organisation check: the organisation, or none when account was down and we failed open. */
export type OrgCheck = { org: account.Organization; assumed: false } | { org: undefined; assumed: true; reason: string };

/**
 * Registry's view of the account service: "may this organisation use the
 * registry now?" FROZEN → FAILED_PRECONDITION "payment required"; unknown →
 * NOT_FOUND; account down → fail open or closed, as configured, counted.
 */
export class AccountClient {
  constructor(
    private readonly ds: Downstream<typeof account.AccountServiceService>,
    private readonly events: ResilienceEvents,
    private readonly options: { failureMode: AccountFailureMode; fallbacks: boolean },
  ) {}

  async checkOrg(orgId: string, ctx: CallContext): Promise<OrgCheck> {
    let org: account.Organization | undefined;
    try {
      const callCtx = this.options.fallbacks && this.options.failureMode === 'open' ? withFallbackReserve(ctx) : ctx;
      org = (await this.ds.getOrganization({ orgId }, callCtx)).organization;
    } catch (err) {
      if (err instanceof ServiceError && err.code === status.NOT_FOUND) throw Errors.notFound('organization', orgId);
      const reason = fallbackReason(err);
      if (reason === undefined || !this.options.fallbacks) throw err;
      if (this.options.failureMode === 'closed') {
        this.events.failOpen(ctx.trace, 'deny');
        throw Errors.unavailable(`cannot verify the organization's status: ${(err as Error).message}`);
      }
      this.events.failOpen(ctx.trace, 'allow');
      this.events.fallback(ctx.trace, 'org_status', reason);
      ctx.log.warn({ reason }, 'account unavailable: failing open');
      return { org: undefined, assumed: true, reason: `account: ${reason}` };
    }
    if (!org) throw Errors.unavailable('account: empty answer');
    if (org.status === account.OrganizationStatus.ORGANIZATION_STATUS_FROZEN) throw Errors.paymentRequired(orgId);
    return { org, assumed: false };
  }
}

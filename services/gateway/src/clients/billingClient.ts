import { billing } from '@govrnanza/contracts';
import type { Downstream } from '@govrnanza/resilience';
import type { CallContext } from '@govrnanza/runtime';

/** The gateway's calls to billing. */
export class BillingClient {
  constructor(private readonly ds: Downstream<typeof billing.BillingServiceService>) {}

  async usage(orgId: string, ctx: CallContext): Promise<unknown> {
    return billing.GetUsageResponse.toJSON(await this.ds.getUsage({ orgId }, ctx));
  }

  async recordPayment(orgId: string, amountCents: number, succeeded: boolean, idempotencyKey: string, ctx: CallContext): Promise<unknown> {
    return billing.RecordPaymentResponse.toJSON(await this.ds.recordPayment({ orgId, amountCents, succeeded, idempotencyKey }, ctx));
  }
}

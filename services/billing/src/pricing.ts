import { account } from '@govrnanza/contracts';

const { Plan } = account;

/** Monthly price of each fixed plan, in cents. */
export const PLAN_PRICE_CENTS: Readonly<Record<number, number>> = {
  [Plan.PLAN_FREE]: 0,
  [Plan.PLAN_TEAM]: 4_900,
  [Plan.PLAN_ENTERPRISE]: 99_900,
  [Plan.PLAN_PAY_AS_YOU_GO]: 0,
};

/** Pay-as-you-go prices, in cents per month. */
export const PAYG_CENTS = { perApi: 200, perUser: 100 } as const;

/**
 * The charge of a billing cycle, in cents: the plan's price, or for
 * pay-as-you-go the metered usage. Unknown usage (a degraded count) is billed
 * as zero rather than guessed.
 */
export function cycleCharge(plan: account.Plan, usage: { apis?: number | undefined; users?: number | undefined }): number {
  if (plan === Plan.PLAN_PAY_AS_YOU_GO) return PAYG_CENTS.perApi * (usage.apis ?? 0) + PAYG_CENTS.perUser * (usage.users ?? 0);
  return PLAN_PRICE_CENTS[plan] ?? 0;
}

/** The current billing cycle: the calendar month (UTC) that contains `now`. */
export function billingCycle(now: Date): { start: Date; end: Date } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, end };
}

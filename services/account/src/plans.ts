import { account } from '@govrnanza/contracts';

const { Plan } = account;

/**
 * The subscription plans. A limit of 0 means unlimited. Pay-as-you-go plans
 * are never refused: usage past the included amounts is billed.
 *
 * | plan          | APIs | domains | sub-domains | users | monthly price |
 * | ------------- | ---- | ------- | ----------- | ----- | ------------- |
 * | free          | 5    | 2       | 4           | 3     | 0             |
 * | team          | 50   | 10      | 30          | 25    | 49.00         |
 * | enterprise    | ∞    | ∞       | ∞           | ∞     | 999.00        |
 * | pay-as-you-go | 20*  | 5*      | 10*         | 10*   | 2.00 per API + 1.00 per user (*included) |
 */
export const PLANS: Readonly<Record<number, account.PlanLimits>> = {
  [Plan.PLAN_FREE]: { plan: Plan.PLAN_FREE, maxApis: 5, maxDomains: 2, maxSubdomains: 4, maxUsers: 3, payAsYouGo: false },
  [Plan.PLAN_TEAM]: { plan: Plan.PLAN_TEAM, maxApis: 50, maxDomains: 10, maxSubdomains: 30, maxUsers: 25, payAsYouGo: false },
  [Plan.PLAN_ENTERPRISE]: { plan: Plan.PLAN_ENTERPRISE, maxApis: 0, maxDomains: 0, maxSubdomains: 0, maxUsers: 0, payAsYouGo: false },
  [Plan.PLAN_PAY_AS_YOU_GO]: { plan: Plan.PLAN_PAY_AS_YOU_GO, maxApis: 20, maxDomains: 5, maxSubdomains: 10, maxUsers: 10, payAsYouGo: true },
};

/** The limits of a plan (a copy). */
export function limitsOf(plan: account.Plan): account.PlanLimits {
  const limits = PLANS[plan];
  if (!limits) throw new Error(`no such plan ${plan}`);
  return { ...limits };
}

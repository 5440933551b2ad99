import type { account } from '@govrnanza/contracts';
import { Errors } from '@govrnanza/runtime';
import type { OrgCheck } from './clients/accountClient';

type LimitKey = 'maxApis' | 'maxDomains' | 'maxSubdomains';
const NOUN: Record<LimitKey, string> = { maxApis: 'APIs', maxDomains: 'domains', maxSubdomains: 'sub-domains' };
const PLAN_NAMES = ['unspecified', 'free', 'team', 'enterprise', 'pay-as-you-go'];

/**
 * Refuses a create past the plan's limit with RESOURCE_EXHAUSTED. Unlimited
 * (0) and pay-as-you-go plans are never refused; neither is an organisation
 * whose plan is unknown because account was down and we failed open.
 */
export async function enforceLimit(check: OrgCheck, key: LimitKey, count: () => Promise<number>): Promise<void> {
  const limits: account.PlanLimits | undefined = check.org?.limits;
  if (!limits || limits.payAsYouGo || limits[key] === 0) return;
  if ((await count()) >= limits[key]) throw Errors.planLimit(NOUN[key], limits[key], PLAN_NAMES[limits.plan] ?? 'this');
}

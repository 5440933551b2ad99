import type { ResilienceMode } from '@govrnanza/runtime';
import { parsePolicyOverrides, policyFor, type PolicyOverrides } from '@govrnanza/service-runner';
import type { DownstreamPolicyOptions } from '@govrnanza/resilience';
import type { BackendName } from '@govrnanza/topology';
import { NO_BUDGET_CEILING_MS } from '../../services/gateway/src/gatewayServer';

/** What the model needs to know of how a variant's system is configured. */
export interface SystemSettings {
  mode: ResilienceMode;
  accountFailureMode: 'open' | 'closed';
  policies: PolicyOverrides;
  /** The gateway's budget for a route, ms (the flat ceiling without resilience). */
  budgetMs(routeId: string): number;
  /** The policy options a caller uses for one downstream (the same for every caller). */
  policy(downstream: BackendName): DownstreamPolicyOptions;
}

/**
 * Reads the settings of a variant from the environment its services get, with
 * the services' own defaults and validation (a bad value throws, naming it).
 */
export function settingsOf(env: Readonly<Record<string, string | undefined>>): SystemSettings {
  const mode = oneOf('RESILIENCE', env.RESILIENCE, ['none', 'code', 'mesh', 'both'] as const, 'code');
  const accountFailureMode = oneOf('ACCOUNT_FAILURE_MODE', env.ACCOUNT_FAILURE_MODE, ['open', 'closed'] as const, 'open');
  const policies = env.DOWNSTREAM_POLICY ? parsed('DOWNSTREAM_POLICY', env.DOWNSTREAM_POLICY, parsePolicyOverrides) : {};
  const requestBudgetMs = env.REQUEST_BUDGET_MS ? Number(env.REQUEST_BUDGET_MS) : 1000;
  const routeBudgets = env.ROUTE_BUDGETS ? parsed('ROUTE_BUDGETS', env.ROUTE_BUDGETS, (v) => v as Record<string, number>) : {};
  return {
    mode,
    accountFailureMode,
    policies,
    budgetMs: (routeId) => (mode === 'none' ? NO_BUDGET_CEILING_MS : (routeBudgets[routeId] ?? requestBudgetMs)),
    policy: (downstream) => policyFor(policies, downstream),
  };
}

function oneOf<T extends string>(name: string, value: string | undefined, values: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if (!(values as readonly string[]).includes(value)) throw new Error(`${name}=${value}: expected one of ${values.join(', ')}`);
  return value as T;
}

function parsed<T>(name: string, text: string, validate: (v: unknown) => T): T {
  try {
    return validate(JSON.parse(text));
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
}

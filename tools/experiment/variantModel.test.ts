import { predictTree, routeTree } from '@govrnanza/chaincost';
import { describe, expect, it } from 'vitest';
import type { EdgeMeasurement } from './edgeMeasurement';
import { settingsOf } from './systemSettings';
import { buildModel, effectiveTree, type ModelInputs } from './variantModel';

/** An edge whose attempts all took `ms` (one bucket), `failed` of them UNAVAILABLE. */
function edge(key: string, attempts: number, failed: number, ms: number, extra: Partial<EdgeMeasurement> = {}): EdgeMeasurement {
  const [caller, rest] = key.split('->') as [string, string];
  const [downstream, method] = rest.split('.') as [string, string];
  return {
    key,
    caller,
    downstream,
    method,
    attempts,
    attemptCodes: { OK: attempts - failed, ...(failed ? { Unavailable: failed } : {}) },
    attemptBuckets: [
      { le: ms / 1000, count: attempts },
      { le: Infinity, count: attempts },
    ],
    attemptMeanMs: ms,
    calls: attempts,
    callCodes: { OK: attempts },
    callMeanMs: ms,
    retries: 0,
    hedges: 0,
    refused: 0,
    ...extra,
  };
}

const inputs = (env: Record<string, string>, edges: EdgeMeasurement[], gatewayMeanMs?: number): ModelInputs => ({
  settings: settingsOf(env),
  edges: new Map(edges.map((e) => [e.key, e])),
  budgetShares: new Map(),
  gatewayMeanMs,
});

const predict = (route: string, i: ModelInputs) => {
  const tree = effectiveTree(routeTree(route), i.settings);
  return predictTree(tree, buildModel(tree, i).model, { trials: 50_000, budgetMs: i.settings.budgetMs(route) });
};

describe('the model of a variant', () => {
  const flaky = [edge('gateway->account.GetOrganization', 10_000, 1000, 2)];

  // With the gateway's budget the availability is a Monte Carlo estimate (50 000 trials): compared within ~3 standard errors.
  it('without resilience, a hop failing 10 % of attempts fails 10 % of requests', () => {
    expect(predict('getOrg', inputs({ RESILIENCE: 'none' }, flaky)).availability).toBeCloseTo(0.9, 2);
  });

  it('with resilience in code, retries of the idempotent read leave 0.1³; a budget that lets a quarter through leaves more', () => {
    expect(predict('getOrg', inputs({ RESILIENCE: 'code' }, flaky)).availability).toBeCloseTo(1 - 0.1 ** 3, 3);
    const budgeted = { ...inputs({}, flaky), budgetShares: new Map([['gateway->account', 0.25]]) };
    const rho = 0.1 * 0.25;
    expect(predict('getOrg', budgeted).availability).toBeCloseTo((0.9 * (1 - rho ** 3)) / (1 - rho), 2);
  });

  it('keeps fallbacks only where the variant has them', () => {
    const names = (env: Record<string, string>) => effectiveTree(routeTree('getApi'), settingsOf(env)).stages[0]![0]!.callee.stages.map((s) => s[0]!.fallback);
    expect(names({})).toEqual(['fail-open', 'degrade']);
    expect(names({ ACCOUNT_FAILURE_MODE: 'closed' })).toEqual([undefined, 'degrade']);
    expect(names({ RESILIENCE: 'none' })).toEqual([undefined, undefined]);
  });

  it('a caller of others keeps its own part: success divided out, mean subtracted', () => {
    const edges = [
      edge('gateway->registry.GetApi', 1000, 100, 20),
      edge('registry->account.GetOrganization', 1000, 0, 5),
      edge('registry->profile.BatchGetProfiles', 1000, 500, 10),
    ];
    const i = inputs({ RESILIENCE: 'none', ACCOUNT_FAILURE_MODE: 'closed' }, edges);
    const tree = effectiveTree(routeTree('getApi'), i.settings);
    const { edgeInputs } = buildModel(tree, i);
    const registry = edgeInputs.find((e) => e.key === 'gateway->registry.GetApi')!;
    // Without resilience profile's failures fail registry: 0.9 measured = own × 0.5 predicted below would exceed 1, so it is capped.
    expect(registry).toMatchObject({ source: 'own', successRatio: 1 });
    // The buckets' linear reading puts the leaves' means at half their bound (2.5 + 5), so registry's own part is 20 − 7.5.
    expect(registry.meanMs).toBeCloseTo(12.5, 0);
  });

  it('calls refused by the caller\'s breaker fail at once', () => {
    const refusing = [edge('gateway->account.GetOrganization', 100, 100, 300, { calls: 1000, refused: 900 })];
    const p = predict('getOrg', inputs({}, refusing));
    expect(p.availability).toBe(0);
    expect(p.latencyMs.p50).toBe(0);
  });

  it('adds the gateway\'s own time as its HTTP mean less its calls\' predicted mean', () => {
    const fast = [edge('gateway->account.GetOrganization', 1000, 0, 10)];
    expect(predict('getOrg', inputs({}, fast, 8)).latencyMs.mean).toBeCloseTo(8, 0);
  });
});

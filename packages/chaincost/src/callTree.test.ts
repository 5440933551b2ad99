import { describe, expect, it } from 'vitest';
import { edgeKey, edgeKeysOf, methodTree, routeTree } from './callTree';

describe('routeTree', () => {
  it('follows ROUTES into METHOD_CALLS, stage by stage, keeping fallbacks', () => {
    const tree = routeTree('getApi');
    expect(tree.service).toBe('gateway');
    const registry = tree.stages[0]![0]!;
    expect(registry.key).toBe('gateway->registry.GetApi');
    expect(registry.callee.stages.map((s) => s.map((e) => [e.key, e.fallback]))).toEqual([
      [['registry->account.GetOrganization', 'fail-open']],
      [['registry->profile.BatchGetProfiles', 'degrade']],
    ]);
    expect(edgeKeysOf(routeTree('getUsage'))).toEqual([
      'gateway->billing.GetUsage',
      'billing->account.GetOrganization',
      'billing->registry.CountResources',
      'billing->profile.CountProfiles',
    ]);
  });

  it('leaves conditional calls out unless asked, and rejects unknown routes', () => {
    expect(edgeKeysOf(routeTree('recordPayment'))).toEqual(['gateway->billing.RecordPayment']);
    expect(edgeKeysOf(routeTree('recordPayment', { includeConditional: true }))).toHaveLength(3);
    expect(() => routeTree('nope')).toThrow(/unknown route "nope"/);
  });

  it('builds the tree below one back-end method, and refuses a cycle', () => {
    expect(edgeKeysOf(methodTree('registry', 'CreateApi'))).toEqual([
      'registry->account.GetOrganization',
      'registry->profile.BatchGetProfiles',
    ]);
    const methodCalls = {
      'a.M': [{ downstream: 'profile' as const, method: 'N', stage: 0 }],
      'profile.N': [{ downstream: 'account' as const, method: 'M', stage: 0 }],
      'account.M': [{ downstream: 'profile' as const, method: 'N', stage: 0 }],
    };
    expect(() => methodTree('a', 'M', { methodCalls })).toThrow(/cycle: a\.M → profile\.N → account\.M → profile\.N/);
    expect(edgeKey('gateway', 'billing', 'GetUsage')).toBe('gateway->billing.GetUsage');
  });
});

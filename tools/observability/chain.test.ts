import { describe, expect, it } from 'vitest';
import { ROUTES } from '@govrnanza/topology';
import { callLabel, predictionFactors, routeChain } from './chain';
import { productExpr } from './routeRules';

const route = (id: string) => ROUTES.find((r) => r.id === id)!;

describe('route chains', () => {
  it('walk the topology from the gateway', () => {
    expect(routeChain(route('getApi')).map(callLabel)).toEqual([
      'gateway → registry GetApi',
      'registry → account GetOrganization',
      'registry → profile BatchGetProfiles',
    ]);
  });

  it('predict from the route\'s calls and the calls with a fallback', () => {
    // registry masks account (fail open) and profile (degrade): all three multiply.
    expect(predictionFactors(route('getApi')).map(callLabel)).toHaveLength(3);
    // profile → account has no fallback: its failures are already in gateway → profile.
    expect(predictionFactors(route('createProfile')).map(callLabel)).toEqual(['gateway → profile CreateProfile']);
    expect(predictionFactors(route('getUsage')).map(callLabel)).toEqual([
      'gateway → billing GetUsage',
      'billing → registry CountResources',
      'billing → profile CountProfiles',
    ]);
  });

  it('write one product per route, conditional calls defaulting to 1', () => {
    expect(productExpr(route('getOrg'), 's')).toBe('vector(1)\n  * on () s{service="gateway",downstream="account",grpc_method="GetOrganization"}');
    const payment = { ...route('recordPayment'), calls: [{ downstream: 'account' as const, method: 'FreezeOrganization', stage: 0, conditional: true }] };
    expect(productExpr(payment, 's')).toContain('(s{service="gateway",downstream="account",grpc_method="FreezeOrganization"} or on () vector(1))');
  });
});

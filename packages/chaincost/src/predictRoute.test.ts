import { ROUTES } from '@govrnanza/topology';
import { describe, expect, it } from 'vitest';
import { CHAIN_COST_ASSUMPTIONS } from './chainCostAssumptions';
import type { ChainModel } from './ChainModel';
import { constantDistribution } from './Distribution';
import { predictRoute, predictRoutes } from './predictRoute';

const ms = constantDistribution;

/** GetApi: gateway → registry.GetApi → [account.GetOrganization (fail-open)] then [profile.BatchGetProfiles (degrade)]. */
function getApiModel(profileSuccess: number, accountSuccess = 0.99): ChainModel {
  return {
    edges: {
      'gateway->registry.GetApi': { successRatio: 0.999, latency: ms(2) },
      'registry->account.GetOrganization': { successRatio: accountSuccess, latency: ms(3) },
      'registry->profile.BatchGetProfiles': { successRatio: profileSuccess, latency: ms(50) },
    },
  };
}

describe('predictRoute', () => {
  it('makes availability independent of an edge with a fallback', () => {
    const healthy = predictRoute('getApi', getApiModel(1), { trials: 50_000 });
    const profileDown = predictRoute('getApi', getApiModel(0), { trials: 50_000 });
    const both = predictRoute('getApi', getApiModel(0, 0), { trials: 50_000 });
    expect(healthy.availabilityMethod).toBe('closed-form');
    expect(healthy.availability).toBeCloseTo(0.999, 15);
    expect(profileDown.availability).toBe(healthy.availability);
    expect(both.availability).toBe(healthy.availability);
    expect(Math.abs(profileDown.monteCarloAvailability - 0.999)).toBeLessThan(4.5 * Math.sqrt((0.999 * 0.001) / 50_000));
  });

  it('still counts a degraded call’s latency, capped by its timeout', () => {
    const model = getApiModel(0);
    expect(predictRoute('getApi', model, { trials: 1000 }).latencyMs.p50).toBe(2 + 3 + 50);
    const capped = { ...model, policies: { 'registry->profile.BatchGetProfiles': { timeoutMs: 20 } } };
    expect(predictRoute('getApi', capped, { trials: 1000 }).latencyMs.p50).toBe(2 + 3 + 20);
  });

  it('fails the route when an edge without fallback fails (availabilities multiply down the chain)', () => {
    const model: ChainModel = {
      edges: {
        'gateway->profile.CreateProfile': { successRatio: 0.995, latency: ms(1) },
        'profile->account.GetOrganization': { successRatio: 0.98, latency: ms(1) },
      },
    };
    const p = predictRoute('createProfile', model, { trials: 50_000 });
    expect(p.availability).toBeCloseTo(0.995 * 0.98, 15);
    expect(Math.abs(p.monteCarloAvailability - 0.995 * 0.98)).toBeLessThan(4.5 * Math.sqrt((0.975 * 0.025) / 50_000));
  });

  it('predicts every route, listing edges it had no figures for', () => {
    const all = predictRoutes({ edges: { 'gateway->account.GetOrganization': { successRatio: 0.9 } } }, { trials: 2000 });
    expect(all.map((p) => p.name)).toEqual(ROUTES.map((r) => r.id));
    const getOrg = all.find((p) => p.name === 'getOrg')!;
    expect([getOrg.availability, getOrg.unmeasuredEdges]).toEqual([0.9, []]);
    const getUsage = all.find((p) => p.name === 'getUsage')!;
    expect(getUsage.availability).toBe(1);
    expect(getUsage.unmeasuredEdges).toContain('billing->account.GetOrganization');
  });

  it('states its assumptions for reports', () => {
    expect(CHAIN_COST_ASSUMPTIONS).toMatch(/Independence/);
    expect(CHAIN_COST_ASSUMPTIONS).toMatch(/Stationarity/);
  });
});

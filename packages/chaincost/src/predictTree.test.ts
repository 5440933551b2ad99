import { describe, expect, it } from 'vitest';
import type { CallNode } from './callTree';
import type { ChainModel } from './ChainModel';
import { parallelMaxQuantile, probabilityAnySlow, retrySuccess, serialAvailability } from './closedForms';
import { compileTree } from './compileTree';
import { constantDistribution } from './Distribution';
import { discreteDistribution, distributionFromSamples } from './discreteDistribution';
import { fanOutTree } from './fanOutTree';
import { monteCarlo } from './monteCarlo';
import { predictTree } from './predictTree';
import { seededRandom } from './seededRandom';

const TRIALS = 200_000;
const KEY = 'gateway->account.GetOrganization';

/** 99% of calls take 10 ms, 1% take 200 ms: per-call slow probability p = 0.01. */
const slowOnePercent = discreteDistribution([10, 200], [99, 1]);

/** |MC − exact| within 4.5 binomial standard errors. */
function expectWithinSampling(estimate: number, exact: number, trials = TRIALS): void {
  expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(4.5 * Math.sqrt((exact * (1 - exact)) / trials) + 1e-12);
}

/** A → b (stage 0) → c (stage 1): two calls in series, each a leaf. */
const serial: CallNode = {
  service: 'a',
  method: 'M',
  stages: [
    [{ key: 'a->b.M', callee: { service: 'b', method: 'M', stages: [] } }],
    [{ key: 'a->c.M', callee: { service: 'c', method: 'M', stages: [] } }],
  ],
};

describe('predictTree: closed forms and Monte Carlo', () => {
  it('serial calls: availabilities multiply and latencies add', () => {
    const model: ChainModel = {
      edges: {
        'a->b.M': { successRatio: 0.99, latency: constantDistribution(2) },
        'a->c.M': { successRatio: 0.98, latency: constantDistribution(3) },
      },
      serviceTimes: { a: constantDistribution(1) },
    };
    const p = predictTree(serial, model, { trials: TRIALS, latencyOf: 'ok' });
    expect(p.availabilityMethod).toBe('closed-form');
    expect(p.availability).toBeCloseTo(serialAvailability([0.99, 0.98]), 15);
    expectWithinSampling(p.monteCarloAvailability, 0.99 * 0.98);
    expect(p.latencyMs).toEqual({ p50: 6, p90: 6, p99: 6, p999: 6, mean: 6 });
    expect(p.unmeasuredEdges).toEqual([]);
  });

  it('serial calls with measured distributions: the mean of the sum is the sum of the means', () => {
    const random = seededRandom(9);
    const b = distributionFromSamples(Array.from({ length: 5000 }, () => -20 * Math.log(1 - random())));
    const c = distributionFromSamples(Array.from({ length: 5000 }, () => 5 + 10 * random()));
    const p = predictTree(serial, { edges: { 'a->b.M': { latency: b }, 'a->c.M': { latency: c } } }, { trials: TRIALS });
    expect(p.availability).toBe(1);
    expect(Math.abs(p.latencyMs.mean / (b.mean + c.mean) - 1)).toBeLessThan(0.01);
  });

  it.each([1, 3, 6])('fan-out of %i: P(request slow) = 1 − (1 − p)ⁿ and quantiles follow F⁻¹(q^(1/n))', (n) => {
    const { root } = compileTree(fanOutTree({ n }), { edges: { [KEY]: { latency: slowOnePercent } } });
    const run = monteCarlo(root, { trials: TRIALS, random: seededRandom(n) });
    const slowShare = run.latencies.filter((ms) => ms > 10).length / TRIALS;
    expectWithinSampling(slowShare, probabilityAnySlow(0.01, n));

    const p = predictTree(fanOutTree({ n }), { edges: { [KEY]: { latency: slowOnePercent } } }, { trials: TRIALS });
    for (const q of [0.5, 0.9, 0.99, 0.999] as const) {
      const name = q === 0.999 ? 'p999' : (`p${Math.round(q * 100)}` as 'p50' | 'p90' | 'p99');
      expect(p.latencyMs[name]).toBe(parallelMaxQuantile(slowOnePercent, n, q));
    }
  });

  it('fan-out over a continuous measured latency: Monte Carlo quantiles match F⁻¹(q^(1/n))', () => {
    const random = seededRandom(4);
    const d = distributionFromSamples(Array.from({ length: 20_000 }, () => 5 - 8 * Math.log(1 - random())));
    const p = predictTree(fanOutTree({ n: 6 }), { edges: { [KEY]: { latency: d } } }, { trials: TRIALS });
    for (const [name, q] of [['p50', 0.5], ['p90', 0.9], ['p99', 0.99]] as const) {
      expect(Math.abs(p.latencyMs[name] / parallelMaxQuantile(d, 6, q) - 1)).toBeLessThan(0.03);
    }
  });

  it('fan-out availability is the product over the n calls, unless they have a fallback', () => {
    const edges = { [KEY]: { successRatio: 0.99, latency: constantDistribution(1) } };
    const p = predictTree(fanOutTree({ n: 6 }), { edges }, { trials: TRIALS });
    expect(p.availability).toBeCloseTo(0.99 ** 6, 15);
    expectWithinSampling(p.monteCarloAvailability, 0.99 ** 6);
    const degraded = predictTree(fanOutTree({ n: 6, fallback: 'degrade' }), { edges }, { trials: 10_000 });
    expect([degraded.availability, degraded.monteCarloAvailability]).toEqual([1, 1]);
  });

  it('retries raise success to 1 − (1 − s)ᵏ (or the retryable-share form) and add attempts and backoff to latency', () => {
    const tree = fanOutTree({ n: 1 });
    const edges = { [KEY]: { successRatio: 0.8, latency: constantDistribution(10) } };
    const retry = { maxAttempts: 3, backoffMs: 5, backoffMultiplier: 2 };
    const p = predictTree(tree, { edges, policies: { [KEY]: { retry } } }, { trials: TRIALS });
    expect(p.availabilityMethod).toBe('closed-form');
    expect(p.availability).toBeCloseTo(1 - 0.2 ** 3, 15);
    expectWithinSampling(p.monteCarloAvailability, 1 - 0.2 ** 3);
    // 80% done in 10 ms; 16% in 10 + 5 + 10; 4% in 25 + 10 + 10 (the last one failing or not).
    expect([p.latencyMs.p50, p.latencyMs.p90, p.latencyMs.p99]).toEqual([10, 25, 45]);

    const half = predictTree(tree, { edges, policies: { [KEY]: { retry: { maxAttempts: 3, retryableRatio: 0.5 } } } }, { trials: TRIALS });
    expect(half.availability).toBeCloseTo(retrySuccess(0.8, 3, 0.5), 15);
    expectWithinSampling(half.monteCarloAvailability, retrySuccess(0.8, 3, 0.5));
  });

  it('per-attempt timeouts cap latency and fail slow attempts, which retries then cover', () => {
    const tree = fanOutTree({ n: 1 });
    const edges = { [KEY]: { latency: discreteDistribution([10, 1000], [95, 5]) } };
    const once = predictTree(tree, { edges, defaultPolicy: { timeoutMs: 100 } }, { trials: TRIALS });
    expect(once.availability).toBeCloseTo(0.95, 15);
    expectWithinSampling(once.monteCarloAvailability, 0.95);
    expect(once.latencyMs.p99).toBe(100);

    const retried = predictTree(tree, { edges, defaultPolicy: { timeoutMs: 100, retry: { maxAttempts: 3 } } }, { trials: TRIALS });
    expect(retried.availability).toBeCloseTo(1 - 0.05 ** 3, 15);
    expect([retried.latencyMs.p90, retried.latencyMs.p99]).toEqual([10, 110]);
    expect(retried.latencyMs.p999).toBeLessThanOrEqual(300);
  });

  it('falls back to Monte Carlo when a timeout sits above a subtree', () => {
    // gateway → mid (timeout 50 ms) → leaf: 90% 10 ms, 10% 100 ms.
    const tree: CallNode = {
      service: 'gateway',
      method: 'r',
      stages: [[{ key: 'gateway->mid.M', callee: { service: 'mid', method: 'M', stages: [[{ key: 'mid->leaf.M', callee: { service: 'leaf', method: 'M', stages: [] } }]] } }]],
    };
    const model: ChainModel = {
      edges: { 'gateway->mid.M': { latency: constantDistribution(5) }, 'mid->leaf.M': { latency: discreteDistribution([10, 100], [9, 1]) } },
      policies: { 'gateway->mid.M': { timeoutMs: 50 } },
    };
    const p = predictTree(tree, model, { trials: TRIALS });
    expect(p.availabilityMethod).toBe('monte-carlo');
    expectWithinSampling(p.availability, 0.9);
    expect(p.latencyMs.p99).toBe(50);
  });

  it('a budget fails requests slower than it, at the budget', () => {
    const p = predictTree(fanOutTree({ n: 3 }), { edges: { [KEY]: { latency: slowOnePercent } } }, { trials: TRIALS, budgetMs: 100 });
    expect(p.availabilityMethod).toBe('monte-carlo');
    expectWithinSampling(p.availability, 1 - probabilityAnySlow(0.01, 3));
    expect(p.latencyMs.p999).toBe(100);
  });

  it('is reproducible from its seed', () => {
    const model = { edges: { [KEY]: { successRatio: 0.97, latency: slowOnePercent } } };
    const a = predictTree(fanOutTree({ n: 3 }), model, { trials: 20_000, seed: 42 });
    const b = predictTree(fanOutTree({ n: 3 }), model, { trials: 20_000, seed: 42 });
    const c = predictTree(fanOutTree({ n: 3 }), model, { trials: 20_000, seed: 43 });
    expect(b).toEqual(a);
    expect(c.monteCarloAvailability).not.toBe(a.monteCarloAvailability);
  });
});

describe('predictTree: retry budget and refused calls', () => {
  const leaf: CallNode = { service: 'a', method: 'M', stages: [[{ key: 'a->b.M', callee: { service: 'b', method: 'M', stages: [] } }]] };

  it('a retry budget thins retries: success a · (1 − (ρb)ᵏ) / (1 − ρb)', () => {
    const model: ChainModel = {
      edges: { 'a->b.M': { successRatio: 0.5, latency: constantDistribution(10) } },
      defaultPolicy: { retry: { maxAttempts: 3, budgetRatio: 0.2 } },
    };
    const p = predictTree(leaf, model, { trials: TRIALS });
    const rho = 0.5 * 0.2;
    const exact = (0.5 * (1 - rho ** 3)) / (1 - rho);
    expect(p.availabilityMethod).toBe('closed-form');
    expect(p.availability).toBeCloseTo(exact, 12);
    expectWithinSampling(p.monteCarloAvailability, exact);
  });

  it('calls refused before any attempt fail at once and are not retried', () => {
    const model: ChainModel = {
      edges: { 'a->b.M': { successRatio: 1, latency: constantDistribution(10), rejectedRatio: 0.3 } },
      defaultPolicy: { retry: { maxAttempts: 3 } },
    };
    const p = predictTree(leaf, model, { trials: TRIALS, latencyOf: 'all' });
    expect(p.availability).toBeCloseTo(0.7, 12);
    expectWithinSampling(p.monteCarloAvailability, 0.7);
    expect(p.latencyMs.p50).toBe(10);
    expect(p.latencyMs.mean).toBeCloseTo(7, 1);
    expect(() => predictTree(leaf, { edges: { 'a->b.M': { rejectedRatio: 2 } } })).toThrow(/rejectedRatio must be a number in \[0, 1\]/);
  });
});

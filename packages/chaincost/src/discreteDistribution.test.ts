import { describe, expect, it } from 'vitest';
import { discreteDistribution, distributionFromSamples } from './discreteDistribution';
import { seededRandom } from './seededRandom';

describe('discreteDistribution', () => {
  it('resamples measured values with their weights', () => {
    const d = discreteDistribution([30, 10, 20], [1, 6, 3]);
    expect(d.quantile(0)).toBe(10);
    expect(d.quantile(0.6)).toBe(10);
    expect(d.quantile(0.61)).toBe(20);
    expect(d.quantile(0.9)).toBe(20);
    expect(d.quantile(0.99)).toBe(30);
    expect(d.cdf(9)).toBe(0);
    expect(d.cdf(20)).toBeCloseTo(0.9, 15);
    expect(d.mean).toBeCloseTo(15, 12);
    const random = seededRandom(5);
    const draws = Array.from({ length: 20_000 }, () => d.sample(random));
    expect(draws.filter((x) => x === 30).length / 20_000).toBeCloseTo(0.1, 2);
    expect(() => discreteDistribution([])).toThrow(/at least one value/);
    expect(() => distributionFromSamples([1, -2])).toThrow(/≥ 0/);
  });
});

import { describe, expect, it } from 'vitest';
import { constantDistribution } from './Distribution';

describe('constantDistribution', () => {
  it('is always its value', () => {
    const c = constantDistribution(7);
    expect([c.sample(Math.random), c.quantile(0.999), c.cdf(6.9), c.cdf(7), c.mean]).toEqual([7, 7, 0, 1, 7]);
  });

  it('rejects a negative or non-finite value', () => {
    expect(() => constantDistribution(-1)).toThrow(/finite ms ≥ 0/);
    expect(() => constantDistribution(Infinity)).toThrow(/finite ms ≥ 0/);
  });
});

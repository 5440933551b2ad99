import { describe, expect, it } from 'vitest';
import { distributionFromBuckets } from './distributionFromBuckets';

describe('distributionFromBuckets', () => {
  it('reads Prometheus cumulative buckets (seconds by default), linear within a bucket', () => {
    const d = distributionFromBuckets([
      { le: 0.01, count: 50 },
      { le: 0.1, count: 90 },
      { le: 1, count: 99 },
      { le: Infinity, count: 100 },
    ]);
    expect(d.quantile(0.5)).toBeCloseTo(10, 9);
    expect(d.quantile(0.7)).toBeCloseTo(55, 9);
    expect(d.quantile(0.25)).toBeCloseTo(5, 9);
    expect(d.quantile(0.995)).toBe(1000); // past the last finite bound: on it
    expect(d.cdf(55)).toBeCloseTo(0.7, 9);
    expect(d.cdf(2000)).toBe(1);
    expect(d.mean).toBeCloseTo(0.5 * 5 + 0.4 * 55 + 0.09 * 550 + 0.01 * 1000, 9);
    expect(() => distributionFromBuckets([{ le: 1, count: 5 }, { le: 2, count: 3 }])).toThrow(/cumulative/);
    expect(() => distributionFromBuckets([{ le: 1, count: 0 }])).toThrow(/no observations/);
  });
});

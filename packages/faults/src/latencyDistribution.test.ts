import { describe, expect, it } from 'vitest';
import { latencyDistribution, type LatencyPercentiles } from './latencyDistribution';

/** A small seeded uniform source (mulberry32), so the sampled figures are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function empiricalQuantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

describe('latencyDistribution', () => {
  const spec: LatencyPercentiles = { p50: 20, p90: 60, p99: 250, p999: 800 };

  it('passes exactly through the asked percentiles, 0 at p0 and the cap at p100', () => {
    const d = latencyDistribution(spec);
    expect(d.quantile(0)).toBe(0);
    expect(d.quantile(0.5)).toBeCloseTo(20, 9);
    expect(d.quantile(0.9)).toBeCloseTo(60, 9);
    expect(d.quantile(0.99)).toBeCloseTo(250, 9);
    expect(d.quantile(0.999)).toBeCloseTo(800, 9);
    expect(d.quantile(1)).toBe(1600);
    const beyond = d.quantile(0.9999);
    expect(beyond).toBeGreaterThan(800);
    expect(beyond).toBeLessThanOrEqual(1600);
  });

  it('10 000 samples reproduce the asked percentiles within a few percent', () => {
    const moderate: LatencyPercentiles = { p50: 10, p90: 20, p99: 40, p999: 70 };
    const d = latencyDistribution(moderate, { random: seeded(42) });
    const samples = new Float64Array(10_000).map(() => d.sample()).sort();
    // Bounds near 3 sampling standard errors of each empirical quantile; p999 rests
    // on the ~10 largest samples, so its noise alone is several percent.
    expect(Math.abs(empiricalQuantile(samples, 0.5) / 10 - 1)).toBeLessThan(0.04);
    expect(Math.abs(empiricalQuantile(samples, 0.9) / 20 - 1)).toBeLessThan(0.04);
    expect(Math.abs(empiricalQuantile(samples, 0.99) / 40 - 1)).toBeLessThan(0.06);
    expect(Math.abs(empiricalQuantile(samples, 0.999) / 70 - 1)).toBeLessThan(0.12);
    expect(samples[samples.length - 1]).toBeLessThanOrEqual(140);
  });

  it('puts the asked share of samples under each percentile, even for a steep tail', () => {
    const d = latencyDistribution(spec, { random: seeded(3) });
    const n = 10_000;
    const samples = Array.from({ length: n }, () => d.sample());
    for (const [name, q] of [['p50', 0.5], ['p90', 0.9], ['p99', 0.99], ['p999', 0.999]] as const) {
      const share = samples.filter((ms) => ms <= spec[name]).length / n;
      // Within 3.5 binomial standard errors of the asked quantile.
      expect(Math.abs(share - q)).toBeLessThan(3.5 * Math.sqrt((q * (1 - q)) / n));
    }
    expect(Math.max(...samples)).toBeLessThanOrEqual(1600);
  });

  it('draws from the injected random source (same seed, same samples)', () => {
    const a = latencyDistribution(spec, { random: seeded(7) });
    const b = latencyDistribution(spec, { random: seeded(7) });
    const drawsA = Array.from({ length: 5 }, () => a.sample());
    expect(Array.from({ length: 5 }, () => b.sample())).toEqual(drawsA);
  });

  it('returns a fixed delay for a number or { fixedMs }', () => {
    expect(latencyDistribution(150).sample()).toBe(150);
    expect(latencyDistribution({ fixedMs: 0 }).quantile(0.99)).toBe(0);
  });

  it('honours a different tail cap', () => {
    expect(latencyDistribution(spec, { tailCapFactor: 1.25 }).quantile(1)).toBe(1000);
  });

  it('handles flat specs (every percentile equal)', () => {
    const d = latencyDistribution({ p50: 100, p90: 100, p99: 100, p999: 100 }, { random: seeded(1) });
    expect(d.quantile(0.95)).toBe(100);
    expect(d.quantile(1)).toBe(100);
    expect(d.quantile(0.25)).toBeCloseTo(41.5, 0);
  });

  it('rejects decreasing, negative or missing percentiles with a clear message', () => {
    expect(() => latencyDistribution({ p50: 10, p90: 5, p99: 20, p999: 30 })).toThrow(
      /non-decreasing: p90 \(5 ms\) < p50 \(10 ms\)/,
    );
    expect(() => latencyDistribution({ p50: -1, p90: 5, p99: 20, p999: 30 })).toThrow(/p50 must be a finite number of ms ≥ 0/);
    expect(() => latencyDistribution({ p50: 1, p90: 5, p99: 20 } as unknown as LatencyPercentiles)).toThrow(/p999/);
    expect(() => latencyDistribution(-5)).toThrow(/≥ 0/);
    expect(() => latencyDistribution({ fixedMs: Number.NaN })).toThrow(/fixedMs/);
    expect(() => latencyDistribution(spec, { tailCapFactor: 0.5 })).toThrow(/tailCapFactor/);
  });
});

import { describe, expect, it } from 'vitest';
import { expectedAttempts, parallelMaxQuantile, probabilityAnySlow, retrySuccess, serialAvailability } from './closedForms';
import { discreteDistribution } from './discreteDistribution';

describe('closed forms', () => {
  it('multiplies availabilities of calls that must all succeed', () => {
    expect(serialAvailability([0.99, 0.995, 0.999])).toBeCloseTo(0.99 * 0.995 * 0.999, 15);
    expect(serialAvailability([])).toBe(1);
  });

  it('gives the chance that one of n parallel calls is slow: 1 − (1 − p)ⁿ', () => {
    expect(probabilityAnySlow(0.01, 1)).toBeCloseTo(0.01, 15);
    expect(probabilityAnySlow(0.01, 3)).toBeCloseTo(0.029701, 15);
    expect(probabilityAnySlow(0.01, 6)).toBeCloseTo(0.058519850599, 12);
    expect(probabilityAnySlow(0.01, 100)).toBeCloseTo(0.63396765872, 10);
  });

  it('gives the success of retries: 1 − (1 − s)ᵏ, or with a retryable share r the geometric sum', () => {
    expect(retrySuccess(0.9, 1)).toBeCloseTo(0.9, 15);
    expect(retrySuccess(0.9, 3)).toBeCloseTo(0.999, 15);
    expect(retrySuccess(0.8, 3, 0.5)).toBeCloseTo(0.8 * (1 + 0.1 + 0.01), 15);
    expect(retrySuccess(0, 5)).toBe(0);
    expect(expectedAttempts(0.9, 3)).toBeCloseTo(1.11, 15);
    expect(expectedAttempts(0, 4)).toBe(4);
  });

  it('gives the quantile of the slowest of n calls: F⁻¹(q^(1/n))', () => {
    const d = discreteDistribution(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(parallelMaxQuantile(d, 1, 0.5)).toBe(50);
    expect(parallelMaxQuantile(d, 3, 0.5)).toBe(80); // 0.5^(1/3) = 0.794
    expect(parallelMaxQuantile(d, 6, 0.9)).toBe(99); // 0.9^(1/6) = 0.9826
  });
});

import type { Distribution } from './Distribution';

/**
 * Closed forms of the cost of synchronous chains, all under independence.
 */

/** Availability of calls that must all succeed: the product of their availabilities. */
export function serialAvailability(availabilities: readonly number[]): number {
  return availabilities.reduce((a, b) => a * b, 1);
}

/** Probability that at least one of n parallel calls is slow, each slow with probability p: 1 − (1 − p)ⁿ. */
export function probabilityAnySlow(p: number, n: number): number {
  return 1 - (1 - p) ** n;
}

/**
 * Success of a call with retries: each attempt succeeds with probability s; a
 * failure is retryable with probability r; at most k attempts.
 * s · (1 − ρᵏ) / (1 − ρ) with ρ = (1 − s) · r; for r = 1 that is 1 − (1 − s)ᵏ.
 */
export function retrySuccess(s: number, k: number, r = 1): number {
  const rho = (1 - s) * r;
  return rho === 1 ? 0 : (s * (1 - rho ** k)) / (1 - rho);
}

/** Expected attempts of the same call (the load retries put on the callee): (1 − ρᵏ) / (1 − ρ). */
export function expectedAttempts(s: number, k: number, r = 1): number {
  const rho = (1 - s) * r;
  return rho === 1 ? k : (1 - rho ** k) / (1 - rho);
}

/** Quantile q of the slowest of n independent calls with latency `d`: d⁻¹(q^(1/n)). */
export function parallelMaxQuantile(d: Distribution, n: number, q: number): number {
  return d.quantile(q ** (1 / n));
}

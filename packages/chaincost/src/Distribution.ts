/** A latency distribution in milliseconds, as the chain-cost model needs it. */
export interface Distribution {
  /** One draw (ms), using `random` (uniform in [0, 1)). */
  sample(random: () => number): number;
  /** The value (ms) at quantile q ∈ [0, 1]. */
  quantile(q: number): number;
  /** P(X ≤ ms). */
  cdf(ms: number): number;
  /** Mean, ms. */
  readonly mean: number;
}

/** Always `ms`. */
export function constantDistribution(ms: number): Distribution {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`constant latency must be a finite ms ≥ 0, got ${ms}`);
  return { sample: () => ms, quantile: () => ms, cdf: (x) => (x >= ms ? 1 : 0), mean: ms };
}

import type { Distribution } from './Distribution';

/**
 * A distribution over measured values (ms) with weights (counts; default 1 each):
 * draws are resampled from the measurement, so its tail is exactly the tail seen.
 * @throws RangeError for no values, negative or non-finite values or weights.
 */
export function discreteDistribution(values: ArrayLike<number>, weights?: ArrayLike<number>): Distribution {
  const order = sortedIndex(values);
  const xs = new Float64Array(order.length);
  const cumulative = new Float64Array(order.length);
  let total = 0;
  let sum = 0;
  order.forEach((i, k) => {
    const v = values[i]!;
    const w = weights ? weights[i]! : 1;
    if (!(v >= 0) || !Number.isFinite(v) || !(w >= 0) || !Number.isFinite(w)) {
      throw new RangeError(`latency values and weights must be finite and ≥ 0 (at ${i}: ${v} × ${w})`);
    }
    total += w;
    sum += v * w;
    xs[k] = v;
    cumulative[k] = total;
  });
  if (!(total > 0)) throw new RangeError('a latency distribution needs at least one value with a positive weight');
  return {
    sample: (random) => xs[firstAbove(cumulative, random() * total)]!,
    // The smallest value with at least a share q of the weight at or below it (as HdrHistogram).
    quantile: (q) => xs[firstReaching(cumulative, Math.min(1, Math.max(0, q)) * total * (1 - 1e-12))]!,
    cdf: (ms) => {
      const i = firstGreater(xs, ms);
      return i === 0 ? 0 : cumulative[i - 1]! / total;
    },
    mean: sum / total,
  };
}

/** A distribution resampling measured latencies (ms), e.g. a load run's raw samples. */
export function distributionFromSamples(samplesMs: ArrayLike<number>): Distribution {
  return discreteDistribution(samplesMs);
}

function sortedIndex(values: ArrayLike<number>): number[] {
  return Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
}

/** The first index whose cumulative weight exceeds `rank` (the last one at most). */
function firstAbove(cumulative: Float64Array, rank: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > rank) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The first index whose cumulative weight reaches `rank` (the last one at most). */
function firstReaching(cumulative: Float64Array, rank: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! >= rank) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function firstGreater(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

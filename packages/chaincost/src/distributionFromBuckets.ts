import type { Distribution } from './Distribution';

/** One cumulative histogram bucket, as Prometheus exposes `…_bucket{le}`: observations ≤ `le`. */
export interface Bucket {
  /** Upper bound, in the histogram's unit (seconds by Prometheus convention); may be Infinity. */
  le: number;
  /** Cumulative count of observations ≤ le. */
  count: number;
}

/** Options of {@link distributionFromBuckets}. */
export interface BucketUnits {
  /** Milliseconds per unit of `le`; default 1000 (`le` in seconds). */
  msPerUnit?: number;
}

/** A point of a piecewise-linear CDF: P(X ≤ ms) = p. */
interface Knot {
  ms: number;
  p: number;
}

/**
 * A distribution from Prometheus-style cumulative bucket counts (e.g. from
 * `increase(…_bucket[5m])`), linear within each bucket as `histogram_quantile`
 * assumes, with the first bucket starting at 0 and whatever lies above the
 * highest finite bound placed on that bound (a bucket cannot say more).
 * @throws RangeError when bounds do not increase, counts decrease, or nothing was observed.
 */
export function distributionFromBuckets(buckets: readonly Bucket[], units: BucketUnits = {}): Distribution {
  const knots = knotsOf(buckets, units.msPerUnit ?? 1000);
  const quantile = (q: number): number => quantileOf(knots, Math.min(1, Math.max(0, q)));
  return {
    sample: (random) => quantile(random()),
    quantile,
    cdf: (ms) => cdfOf(knots, ms),
    mean: meanOf(knots),
  };
}

function knotsOf(buckets: readonly Bucket[], msPerUnit: number): Knot[] {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted[sorted.length - 1]?.count ?? 0;
  if (!(total > 0)) throw new RangeError('latency buckets hold no observations');
  const knots: Knot[] = [{ ms: 0, p: 0 }];
  let previous: Bucket | undefined;
  for (const b of sorted) {
    if (!(b.le >= 0) || (previous && b.le === previous.le)) throw new RangeError(`bucket bounds must be distinct and ≥ 0, got le=${b.le}`);
    if (!(b.count >= (previous?.count ?? 0))) throw new RangeError(`bucket counts must be cumulative (non-decreasing), got ${b.count} at le=${b.le}`);
    const ms = Number.isFinite(b.le) ? b.le * msPerUnit : knots[knots.length - 1]!.ms;
    knots.push({ ms, p: b.count / total });
    previous = b;
  }
  knots[knots.length - 1]!.p = 1;
  return knots;
}

function quantileOf(knots: Knot[], q: number): number {
  if (q === 0) return firstPositive(knots);
  for (let i = 1; i < knots.length; i++) {
    const a = knots[i - 1]!;
    const b = knots[i]!;
    if (b.p >= q) return b.p === a.p ? b.ms : a.ms + ((b.ms - a.ms) * (q - a.p)) / (b.p - a.p);
  }
  return knots[knots.length - 1]!.ms;
}

/** The lowest value with positive density (the start of the first non-empty bucket). */
function firstPositive(knots: Knot[]): number {
  const i = knots.findIndex((k) => k.p > 0);
  return knots[Math.max(0, i - 1)]!.ms;
}

function cdfOf(knots: Knot[], ms: number): number {
  if (ms < 0) return 0;
  let p = 0;
  for (let i = 1; i < knots.length; i++) {
    const a = knots[i - 1]!;
    const b = knots[i]!;
    if (ms >= b.ms) p = b.p;
    else return a.p + ((b.p - a.p) * (ms - a.ms)) / (b.ms - a.ms);
  }
  return p;
}

function meanOf(knots: Knot[]): number {
  let mean = 0;
  for (let i = 1; i < knots.length; i++) {
    const a = knots[i - 1]!;
    const b = knots[i]!;
    mean += (b.p - a.p) * ((a.ms + b.ms) / 2);
  }
  return mean;
}

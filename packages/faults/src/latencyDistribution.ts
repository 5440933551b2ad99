/**
 * A latency given by its percentiles, in milliseconds. Percentiles must be
 * non-negative and non-decreasing (p50 ≤ p90 ≤ p99 ≤ p999).
 */
export interface LatencyPercentiles {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
}

/** A fault's added latency: a fixed delay in ms (a number or `{ fixedMs }`) or a percentile spec. */
export type LatencySpec = number | { fixedMs: number } | LatencyPercentiles;

/** Draws delays (ms) from a latency spec. */
export interface LatencyDistribution {
  /** One delay in ms. */
  sample(): number;
  /** The delay (ms) at quantile `q` in [0, 1] of the distribution sampled. */
  quantile(q: number): number;
}

/** Options of {@link latencyDistribution}. */
export interface LatencyDistributionOptions {
  /** Uniform random source in [0, 1); default `Math.random`. Inject a seeded one in tests. */
  random?: () => number;
  /** The largest delay drawn, as a multiple of p999; default 2. */
  tailCapFactor?: number;
}

/** A knot of the inverse CDF: the value (ms) at tail coordinate x = −ln(1 − q). */
interface Knot {
  x: number;
  ms: number;
}

const NAMES = ['p50', 'p90', 'p99', 'p999'] as const;
const QUANTILES = [0.5, 0.9, 0.99, 0.999] as const;

const tailCoordinate = (q: number): number => -Math.log1p(-q);

/**
 * A sampler for a fault's added latency, from a fixed delay or from percentiles.
 *
 * For a percentile spec the inverse CDF is interpolated piecewise between the
 * points (0, 0 ms), (0.5, p50), (0.9, p90), (0.99, p99), (0.999, p999),
 * linearly in the value and in the log of the tail probability −ln(1 − q)
 * ("log-linear"): each decade of the tail gets an equal share of the
 * interpolation, which keeps the drawn p99 and p999 where they were asked.
 * Beyond p999 the last segment's slope continues (an exponential-like tail),
 * capped at `tailCapFactor` × p999 (default 2×).
 *
 * @throws RangeError when a value is negative, not finite, or percentiles decrease.
 */
export function latencyDistribution(spec: LatencySpec, options: LatencyDistributionOptions = {}): LatencyDistribution {
  const random = options.random ?? Math.random;
  const fixed = fixedMs(spec);
  if (fixed !== undefined) return { sample: () => fixed, quantile: () => fixed };
  const knots = knotsOf(spec as LatencyPercentiles);
  const cap = (options.tailCapFactor ?? 2) * knots[knots.length - 1]!.ms;
  if (!(cap >= knots[knots.length - 1]!.ms)) throw new RangeError('latency tailCapFactor must be ≥ 1');
  const quantile = (q: number): number => interpolate(knots, cap, q);
  return { sample: () => quantile(random()), quantile };
}

/** The fixed delay of a spec, validated, or undefined for a percentile spec. */
function fixedMs(spec: LatencySpec): number | undefined {
  if (typeof spec === 'number') return checkMs('fixed latency', spec);
  if (spec !== null && typeof spec === 'object' && 'fixedMs' in spec) return checkMs('fixedMs', spec.fixedMs);
  if (spec === null || typeof spec !== 'object') {
    throw new RangeError('latency must be a number of ms, { fixedMs }, or { p50, p90, p99, p999 } in ms');
  }
  return undefined;
}

function checkMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`latency ${name} must be a finite number of ms ≥ 0, got ${String(value)}`);
  }
  return value;
}

/** The validated knots of a percentile spec, starting at (0, 0 ms). */
function knotsOf(spec: LatencyPercentiles): Knot[] {
  const knots: Knot[] = [{ x: 0, ms: 0 }];
  NAMES.forEach((name, i) => {
    const ms = checkMs(name, spec[name]);
    const previous = knots[knots.length - 1]!;
    if (ms < previous.ms) {
      throw new RangeError(
        `latency percentiles must be non-decreasing: ${name} (${ms} ms) < ${i === 0 ? 'p0' : NAMES[i - 1]} (${previous.ms} ms)`,
      );
    }
    knots.push({ x: tailCoordinate(QUANTILES[i]!), ms });
  });
  return knots;
}

/** The inverse CDF at q: linear between knots in x = −ln(1 − q), the last slope extended and capped. */
function interpolate(knots: Knot[], cap: number, q: number): number {
  if (!(q > 0)) return 0;
  const x = q >= 1 ? Infinity : tailCoordinate(q);
  for (let i = 1; i < knots.length; i++) {
    const right = knots[i]!;
    if (x <= right.x) return along(knots[i - 1]!, right, x);
  }
  const beforeLast = knots[knots.length - 2]!;
  const last = knots[knots.length - 1]!;
  return Math.min(cap, along(beforeLast, last, x));
}

function along(a: Knot, b: Knot, x: number): number {
  if (b.x === a.x || b.ms === a.ms) return b.ms;
  return a.ms + ((b.ms - a.ms) * (x - a.x)) / (b.x - a.x);
}

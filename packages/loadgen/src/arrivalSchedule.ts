/** How open-loop arrivals are spaced: evenly, or as a Poisson process (exponential gaps). */
export type Arrival = 'fixed' | 'poisson';

/** Options of {@link arrivalSchedule}. */
export interface ArrivalScheduleOptions {
  /** Mean arrivals per second; > 0. */
  rate: number;
  /** Default 'fixed'. */
  arrival?: Arrival;
  /** No arrival at or after this offset, ms. */
  durationMs: number;
  /** At most this many arrivals; default unbounded (the duration bounds them). */
  maxRequests?: number;
  /** Uniform random source in [0, 1) for Poisson gaps; default `Math.random`. */
  random?: () => number;
}

/**
 * The intended send times of an open-loop run, as offsets in ms from its start.
 * Fixed arrivals are at i × 1000 / rate (the first at 0); Poisson arrivals are
 * separated by exponential gaps of mean 1000 / rate (the first after one gap).
 */
export function* arrivalSchedule(options: ArrivalScheduleOptions): Generator<number, void, undefined> {
  const interval = 1000 / options.rate;
  const random = options.random ?? Math.random;
  const max = options.maxRequests ?? Infinity;
  const poisson = options.arrival === 'poisson';
  let offset = poisson ? exponential(interval, random) : 0;
  for (let i = 0; i < max && offset < options.durationMs; i++) {
    yield offset;
    offset = poisson ? offset + exponential(interval, random) : (i + 1) * interval;
  }
}

function exponential(mean: number, random: () => number): number {
  return -mean * Math.log(1 - random());
}

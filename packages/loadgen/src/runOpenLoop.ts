import { performance } from 'node:perf_hooks';
import type { Arrival } from './arrivalSchedule';
import { buildReport } from './buildReport';
import { checkRange } from './checkRange';
import type { LoadReport } from './LoadReport';
import type { LoadTarget } from './LoadTarget';
import { RunRecorder, summarizeMicros } from './RunRecorder';
import { sendOnSchedule, type ScheduleSettings } from './sendOnSchedule';

/** Options of {@link runOpenLoop}. */
export interface OpenLoopOptions {
  target: LoadTarget;
  /** Requests per second asked, in (0, 100 000]. */
  rate: number;
  /** Default 'fixed' (evenly spaced, as wrk2); 'poisson' for exponential gaps. */
  arrival?: Arrival;
  /** Requests are scheduled over this window, ms; default 10 000, at most 3 600 000. */
  durationMs?: number;
  /**
   * Before the measured window, send at the same rate for this long without
   * recording, so connection set-up and JIT warm-up do not count, ms; default 0.
   */
  warmupMs?: number;
  /** At most this many requests; default unbounded (the duration bounds them). */
  maxRequests?: number;
  /** Per-request timeout from the actual send, ms; default 5 000. */
  timeoutMs?: number;
  /** Most requests in flight; past it sends wait (and their lag counts). Default 10 000. */
  maxInFlight?: number;
  /**
   * p99 send lag (ms) beyond which the run is reported as fallen behind; default 25.
   * A GC pause or two stays under it; a generator short of CPU does not.
   */
  lagThresholdMs?: number;
  /** Achieved / asked rate below which the run is reported as fallen behind; default 0.95. */
  minRateRatio?: number;
  /** How long past `durationMs` late requests are still sent before being counted missed, ms; default 1 000. */
  giveUpAfterMs?: number;
  /** Uniform random source for Poisson gaps; default `Math.random`. */
  random?: () => number;
  /** Stops scheduling new requests when aborted; those in flight are awaited. */
  signal?: AbortSignal;
}

type Settings = ScheduleSettings & Required<Pick<OpenLoopOptions, 'lagThresholdMs' | 'minRateRatio'>>;

/**
 * Sends requests at a fixed or Poisson arrival rate whatever the latency, as
 * wrk2 does: a slow response never delays the next send, so queueing cannot
 * hide. Each latency is measured from the request's intended send time
 * (coordinated omission corrected), and the scheduler's own lag (actual minus
 * intended send time) is measured; the report says `fellBehind` when the p99
 * lag, the achieved rate or missed requests show the generator did not keep up.
 * Resolves once every sent request has ended (each is bounded by `timeoutMs`).
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<LoadReport> {
  const s = settings(options);
  await s.target.prepare?.(s.timeoutMs);
  const recorder = new RunRecorder();
  const startedAt = new Date(Date.now() + s.warmupMs).toISOString();
  // Time 0 is the start of the measured window; warm-up sends have negative offsets.
  const start = performance.now() + s.warmupMs;
  const elapsed = (): number => performance.now() - start;
  const inFlight = new Set<Promise<void>>();
  const schedule = await sendOnSchedule(s, recorder, elapsed, inFlight);
  await drain(inFlight, s.timeoutMs + 1000);
  const durationMs = elapsed();
  const interval = 1000 / s.rate;
  const sendWindowMs = schedule.sent === 0 ? 0 : Math.max(schedule.lastIntended, schedule.lastSend) + interval;
  const rateAchieved = sendWindowMs > 0 ? (schedule.sent * 1000) / sendWindowMs : 0;
  // What the schedule itself asked for (a Poisson schedule differs from `rate` by chance).
  const rateScheduled = ((schedule.sent + schedule.missed) * 1000) / (schedule.lastPlanned + interval);
  const sendLagMs = summarizeMicros(recorder.sendLag);
  return buildReport(recorder, {
    mode: 'open',
    target: s.target.description,
    startedAt,
    arrival: s.arrival,
    rateAsked: s.rate,
    rateAchieved,
    durationMs,
    sendWindowMs,
    sent: schedule.sent,
    intended: schedule.sent + schedule.missed,
    missed: schedule.missed,
    sendLagMs,
    fellBehindReasons: fellBehindReasons(s, rateAchieved, rateScheduled, sendLagMs.p99, schedule.missed),
  });
}

function settings(o: OpenLoopOptions): Settings {
  return {
    target: o.target,
    rate: checkRange('rate', o.rate, Number.MIN_VALUE, 100_000),
    arrival: o.arrival ?? 'fixed',
    durationMs: checkRange('durationMs', o.durationMs ?? 10_000, 1, 3_600_000),
    warmupMs: checkRange('warmupMs', o.warmupMs ?? 0, 0, 600_000),
    maxRequests: o.maxRequests === undefined ? undefined : checkRange('maxRequests', o.maxRequests, 1, 1e9),
    timeoutMs: checkRange('timeoutMs', o.timeoutMs ?? 5_000, 1, 600_000),
    maxInFlight: checkRange('maxInFlight', o.maxInFlight ?? 10_000, 1, 1e6),
    lagThresholdMs: checkRange('lagThresholdMs', o.lagThresholdMs ?? 25, 0, 3_600_000),
    minRateRatio: checkRange('minRateRatio', o.minRateRatio ?? 0.95, 0, 1),
    giveUpAfterMs: checkRange('giveUpAfterMs', o.giveUpAfterMs ?? 1_000, 0, 3_600_000),
    random: o.random ?? Math.random,
    signal: o.signal,
  };
}

/** Waits for requests in flight, at most `limitMs` (targets bound each request themselves). */
async function drain(inFlight: Set<Promise<void>>, limitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)));
  await Promise.race([Promise.all(inFlight), limit]);
  clearTimeout(timer);
}

function fellBehindReasons(s: Settings, rateAchieved: number, rateScheduled: number, p99LagMs: number, missed: number): string[] {
  const reasons: string[] = [];
  if (p99LagMs > s.lagThresholdMs) {
    reasons.push(`p99 send lag ${p99LagMs.toFixed(1)} ms > ${s.lagThresholdMs} ms`);
  }
  if (rateAchieved < s.minRateRatio * rateScheduled) {
    reasons.push(`achieved ${rateAchieved.toFixed(1)} req/s < ${(s.minRateRatio * 100).toFixed(0)}% of ${rateScheduled.toFixed(1)} req/s scheduled`);
  }
  if (missed > 0) reasons.push(`${missed} intended requests never sent`);
  return reasons;
}

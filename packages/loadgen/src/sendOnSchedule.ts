import { arrivalSchedule, type Arrival } from './arrivalSchedule';
import type { LoadTarget } from './LoadTarget';
import type { RunRecorder } from './RunRecorder';

/** What the open-loop scheduler needs, validated and with defaults applied (see OpenLoopOptions). */
export interface ScheduleSettings {
  target: LoadTarget;
  /** Requests per second. */
  rate: number;
  arrival: Arrival;
  /** The measured window, ms. */
  durationMs: number;
  /** Unrecorded sending before the window, ms. */
  warmupMs: number;
  maxRequests: number | undefined;
  /** Per-request timeout, ms. */
  timeoutMs: number;
  maxInFlight: number;
  /** How long past the window late requests are still sent, ms. */
  giveUpAfterMs: number;
  random: () => number;
  signal: AbortSignal | undefined;
}

/** What the scheduler did. Times are offsets from the run's start, ms. */
export interface ScheduleResult {
  sent: number;
  missed: number;
  /** Intended time of the last request sent. */
  lastIntended: number;
  /** Actual time of the last request sent. */
  lastSend: number;
  /** Intended time of the last request of the schedule, sent or missed. */
  lastPlanned: number;
}

/**
 * Sends each request when its intended time comes, draining every due one per
 * timer tick (timers fire late by ~1 ms; a late send still counts from its
 * intended time). Resolves when the schedule is exhausted, aborted, or more than
 * `giveUpAfterMs` past the window, counting intended requests not sent as missed.
 */
export function sendOnSchedule(
  s: ScheduleSettings,
  recorder: RunRecorder,
  elapsed: () => number,
  inFlight: Set<Promise<void>>,
): Promise<ScheduleResult> {
  const schedule = withWarmup(s);
  const result: ScheduleResult = { sent: 0, missed: 0, lastIntended: 0, lastSend: 0, lastPlanned: 0 };
  const stopAt = s.durationMs + s.giveUpAfterMs;
  return new Promise((resolve) => {
    let pending = schedule.next();
    let timer: NodeJS.Timeout | undefined;
    let waitingForCapacity = false;
    let finished = false;
    const onComplete = (): void => {
      if (waitingForCapacity && !finished) {
        waitingForCapacity = false;
        setImmediate(tick);
      }
    };
    const tick = (): void => {
      if (finished) return;
      timer = undefined;
      let now = elapsed();
      while (!pending.done && pending.value <= now && now < stopAt && !s.signal?.aborted) {
        if (inFlight.size >= s.maxInFlight) {
          waitingForCapacity = true;
          break;
        }
        const measured = pending.value >= 0;
        send(s, measured ? recorder : undefined, pending.value, now, elapsed, inFlight, onComplete);
        if (measured) {
          result.sent++;
          result.lastIntended = pending.value;
          result.lastSend = now;
        }
        pending = schedule.next();
        now = elapsed();
      }
      if (pending.done || now >= stopAt || s.signal?.aborted) return finish();
      if (!waitingForCapacity) timer = setTimeout(tick, Math.max(0, pending.value - now));
    };
    const finish = (): void => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      clearTimeout(deadline);
      s.signal?.removeEventListener('abort', finish);
      result.lastPlanned = result.lastIntended;
      if (!pending.done) countMissed(pending.value, schedule, result);
      resolve(result);
    };
    // Bounds the run even if the target never frees capacity.
    const deadline = setTimeout(finish, stopAt - elapsed() + 1);
    s.signal?.addEventListener('abort', finish, { once: true });
    tick();
  });
}

/** The intended send times: warm-up ones (negative offsets, ms) then the measured window's. */
function* withWarmup(s: ScheduleSettings): Generator<number, void, undefined> {
  const { rate, arrival, random } = s;
  if (s.warmupMs > 0) {
    for (const t of arrivalSchedule({ rate, arrival, random, durationMs: s.warmupMs })) yield t - s.warmupMs;
  }
  yield* arrivalSchedule({ rate, arrival, random, durationMs: s.durationMs, maxRequests: s.maxRequests });
}

/**
 * Sends one request intended at `intended` (ms offset), recording its lag now and
 * its latency when it ends (unless no recorder is given: a warm-up request).
 */
function send(
  s: ScheduleSettings,
  recorder: RunRecorder | undefined,
  intended: number,
  now: number,
  elapsed: () => number,
  inFlight: Set<Promise<void>>,
  onComplete: () => void,
): void {
  recorder?.recordSendLag(now - intended);
  const request: Promise<void> = s.target.send(s.timeoutMs).then((outcome) => {
    recorder?.recordOutcome(outcome, elapsed() - intended);
    inFlight.delete(request);
    onComplete();
  });
  inFlight.add(request);
}

/** Counts the intended requests left unsent, from `first` on, into `result`. */
function countMissed(first: number, schedule: Iterator<number>, result: ScheduleResult): void {
  result.missed = 1;
  result.lastPlanned = first;
  for (let next = schedule.next(); !next.done; next = schedule.next()) {
    result.missed++;
    result.lastPlanned = next.value;
  }
}

/**
 * Deadline arithmetic for one hop. Times are epoch ms; `Infinity` means no
 * deadline. A hop passes what is left of its caller's deadline minus its own
 * margin, and never widens it.
 */

/** The deadline to give a downstream call: the caller's minus the margin. */
export function callDeadline(callerDeadline: number, marginMs: number): number {
  return callerDeadline === Infinity ? Infinity : callerDeadline - marginMs;
}

/** Ms left until `deadline` (Infinity when none). */
export function remainingMs(deadline: number, now: number = Date.now()): number {
  return deadline === Infinity ? Infinity : deadline - now;
}

/** The deadline of one attempt: at most `attemptTimeoutMs` from now (0 = no cap), never past the call's deadline. */
export function attemptDeadline(callDeadlineMs: number, attemptTimeoutMs: number, now: number = Date.now()): number {
  return attemptTimeoutMs > 0 ? Math.min(callDeadlineMs, now + attemptTimeoutMs) : callDeadlineMs;
}

/** True when a retry after up to `backoffMs` still leaves `minCallMs` for the attempt. */
export function retryFits(callDeadlineMs: number, backoffMs: number, minCallMs: number, now: number = Date.now()): boolean {
  return remainingMs(callDeadlineMs, now) - backoffMs >= minCallMs;
}

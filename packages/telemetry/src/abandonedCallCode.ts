import { status } from '@grpc/grpc-js';

/**
 * How close to its deadline (ms) a call the client abandons counts as
 * DeadlineExceeded rather than Canceled. The client's own deadline timer
 * usually cancels the call a few ms before the server's copy of the deadline
 * expires, since that copy starts when the request headers arrive.
 */
export const DEADLINE_SLACK_MS = 20;

/**
 * The status a served call ended with when its caller gave up on it before
 * an answer was sent: DEADLINE_EXCEEDED when its deadline (a grpc-js
 * deadline: Date, epoch ms, or Infinity) has passed, give or take
 * `DEADLINE_SLACK_MS`; CANCELLED otherwise. Metrics and spans both use it, so
 * they agree.
 */
export function abandonedCallCode(deadline: Date | number, now = Date.now()): status {
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return now >= ms - DEADLINE_SLACK_MS ? status.DEADLINE_EXCEEDED : status.CANCELLED;
}

import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  TaskCancelledError,
  ExponentialBackoff,
  SamplingBreaker,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  type IRetryContext,
} from 'cockatiel';
import type { Cancellation } from '@govrnanza/runtime';
import { AttemptError } from './attemptError';
import type { BreakerState, ResilienceEvents } from './events';
import type { DownstreamPolicyOptions } from './options';

/** The shared policies of one downstream. */
export interface PolicyStack {
  /**
   * Runs `attempt` (called once per attempt, numbered from 0) through the
   * stack. A call whose `cancellation` has aborted is turned away with
   * cockatiel's TaskCancelledError before it reaches the breaker, whether it
   * arrives so or is cancelled while queued in the bulkhead: it sends nothing,
   * holds no slot, and cannot become the half-open probe (whose CANCELLED
   * outcome would close the breaker). Once an attempt runs, cancellation is
   * its business: it cancels the call on the wire and is not retried.
   */
  execute<T>(attempt: (attemptNo: number) => Promise<T>, cancellation: Cancellation): Promise<T>;
  readonly breakerState: BreakerState;
}

const STATE: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'open',
};

/**
 * Builds the policy stack of one downstream, once, shared by every call:
 *
 *   bulkhead → circuit breaker → retry → attempt (with its own gRPC deadline)
 *
 * Why this order: the bulkhead is outermost so that a slow downstream can hold
 * at most `bulkheadLimit` calls (plus a bounded queue) of this process, retries
 * included, and overload is shed before any work. The breaker sits outside the
 * retry so that it judges logical calls (a call that succeeded on its second
 * attempt is a success) and, once open, rejects a call before any attempt or
 * retry is made. The retry is inside both, so its extra attempts hold the same
 * bulkhead slot and never bypass an open breaker; it retries only failures the
 * attempt marked retryable (idempotent call, retryable code, retry budget and
 * deadline allow). The per-attempt timeout is innermost and is the attempt's
 * gRPC deadline, so the server sees it and stops work too.
 */
export function buildPolicyStack(options: DownstreamPolicyOptions, events: ResilienceEvents): PolicyStack {
  // Its rejections are reported by the caller, which knows the call's trace (see `createDownstream`).
  const bulkheadPolicy = bulkhead(options.bulkheadLimit, options.bulkheadQueue);

  const breaker = circuitBreaker(
    handleWhen((err) => err instanceof AttemptError && err.countsAsFailure),
    {
      halfOpenAfter: options.breakerHalfOpenAfterMs,
      breaker: new SamplingBreaker({
        threshold: options.breakerThreshold,
        duration: options.breakerWindowMs,
        minimumRps: options.breakerMinRps,
      }),
    },
  );
  breaker.onStateChange((s) => events.breakerState(STATE[s]));

  const retryPolicy = retry(
    handleWhen((err) => err instanceof AttemptError && err.retryable),
    {
      maxAttempts: options.maxRetries,
      backoff: new ExponentialBackoff({ initialDelay: options.backoffInitialMs, maxDelay: options.backoffMaxMs }),
    },
  );

  return {
    execute: (attempt, cancellation) => {
      if (cancellation.aborted) return turnedAway();
      // cockatiel makes calls that arrive while the breaker is half-open wait for
      // the probe's outcome: against a hanging downstream every concurrent call is
      // held as long as the probe runs. They fail fast instead, as while open.
      if (breaker.state === CircuitState.HalfOpen) return Promise.reject(new BrokenCircuitError('circuit half-open: one probe at a time'));
      // Nested by hand rather than with cockatiel's `wrap`, which merges the
      // context objects with spreads at every level of every call (about 1.5 µs
      // of CPU per call, measured).
      const attempts = ({ attempt: n }: IRetryContext) => attempt(n);
      return bulkheadPolicy.execute(() =>
        cancellation.aborted ? turnedAway() : breaker.execute(() => retryPolicy.execute(attempts)),
      );
    },
    get breakerState() {
      return STATE[breaker.state];
    },
  };
}

/** A call whose caller already gave up, as cockatiel itself turns one away. */
function turnedAway(): Promise<never> {
  return Promise.reject(new TaskCancelledError());
}

/** True for the errors the policies raise instead of calling the downstream (a cancelled caller is not one). */
export function isPolicyRejection(err: unknown): err is BrokenCircuitError | BulkheadRejectedError {
  return err instanceof BrokenCircuitError || err instanceof BulkheadRejectedError;
}

/** True for the error of a call turned away because its caller had already given up. */
export function isCancelledBeforeSent(err: unknown): err is TaskCancelledError {
  return err instanceof TaskCancelledError;
}
